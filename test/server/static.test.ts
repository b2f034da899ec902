/**
 * The built pane as production serves it: caching per kind of file, compression of text only, no
 * source maps, no dotfiles, and no way out of the static folder.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import Fastify from "fastify";
import { COMPRESSION_THRESHOLD_BYTES, registerCompression } from "../../src/server/plugins/compression";
import { inlineScriptSources, registerStaticFiles } from "../../src/server/plugins/staticFiles";
import { type Harness, startHarness } from "./harness";
import { PRODUCTION_ENV } from "./productionEnv";

const HASHED_JS = "taskpane.0123456789abcdef.js";
// Big enough to pass the compression threshold (1 KB), and compressible.
const SCRIPT = `/* the pane */\n${"console.log('x3 sync setup');\n".repeat(200)}//# sourceMappingURL=${HASHED_JS}.map\n`;
const HTML = `<!doctype html><html><head><title>X3</title></head><body>${"<p>X3 sync setup</p>".repeat(100)}</body></html>`;
const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>\n<OfficeApp>${"<!-- padding -->".repeat(100)}</OfficeApp>\n`;
// A PNG signature then filler: served as image/png whatever the bytes.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4000, 7)]);
const SECRET = "SECRET-OUTSIDE-DIST";

let top: string;
let dist: string;

function writeFakeDist(): void {
  top = mkdtempSync(join(tmpdir(), "static-test-"));
  dist = join(top, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  mkdirSync(join(dist, ".git"));
  writeFileSync(join(dist, HASHED_JS), SCRIPT);
  writeFileSync(join(dist, `${HASHED_JS}.map`), JSON.stringify({ version: 3, sources: ["webpack://src/taskpane/App.tsx"] }));
  writeFileSync(join(dist, "taskpane.html"), HTML);
  writeFileSync(join(dist, "manifest.xml"), MANIFEST);
  writeFileSync(join(dist, "assets", "icon-16.png"), PNG);
  writeFileSync(join(dist, ".env"), `X3_PASSWORD=${SECRET}`);
  writeFileSync(join(dist, ".git", "config"), SECRET);
  // Beside dist/, where a traversal would land.
  writeFileSync(join(top, "secret.txt"), SECRET);
  writeFileSync(join(top, ".env"), SECRET);
}

let h: Harness;

beforeAll(async () => {
  writeFakeDist();
  h = await startHarness({}, { ...PRODUCTION_ENV, STATIC_DIR: dist });
  expect(h.app.hasRoute({ method: "GET", url: "/*" })).toBe(true);
});
afterAll(async () => {
  await h?.close();
  rmSync(top, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: "GET", url, headers });

describe("caching", () => {
  it.each([
    ["/taskpane.html", "no-cache", /^text\/html/],
    [`/${HASHED_JS}`, "public, max-age=31536000, immutable", /^application\/javascript/],
    ["/assets/icon-16.png", "public, max-age=86400", /^image\/png$/],
    ["/manifest.xml", "no-cache", /xml/],
  ])("%s: Cache-Control %s", async (url, cacheControl, type) => {
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe(cacheControl);
    expect(res.headers["content-type"]).toMatch(type);
    expect(res.headers.etag).toBeDefined();
  });

  it("answers 304 to a revalidation with the ETag it gave", async () => {
    const first = await get("/taskpane.html");
    const again = await get("/taskpane.html", { "if-none-match": String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
  });

  it("redirects / to the pane", async () => {
    const res = await get("/");
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/taskpane.html");
  });
});

describe("compression", () => {
  it.each([
    ["br", brotliDecompressSync],
    ["gzip", gunzipSync],
  ] as const)("sends the script %s-compressed when the client accepts it, and it decompresses to the file", async (encoding, decompress) => {
    const res = await get(`/${HASHED_JS}`, { "accept-encoding": encoding });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe(encoding);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.rawPayload.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 4);
    expect(decompress(res.rawPayload).toString("utf8")).toBe(SCRIPT);
    // Compression does not change how long it may be cached.
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("prefers Brotli when both are accepted", async () => {
    const res = await get("/taskpane.html", { "accept-encoding": "gzip, deflate, br" });
    expect(res.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(res.rawPayload).toString("utf8")).toBe(HTML);
  });

  it("compresses the manifest", async () => {
    const manifest = await get("/manifest.xml", { "accept-encoding": "gzip" });
    expect(manifest.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(manifest.rawPayload).toString("utf8")).toBe(MANIFEST);
  });

  it("sends the API's small JSON as it is (under 1 KB), marked as varying on Accept-Encoding", async () => {
    const token = await h.token("jsmith@contoso.com");
    const api = await get("/api/v1/setups/JSMITH", { "accept-encoding": "gzip", authorization: `Bearer ${token}` });
    expect(api.statusCode).toBe(200);
    expect(api.rawPayload.length).toBeLessThan(COMPRESSION_THRESHOLD_BYTES);
    expect(api.headers["content-encoding"]).toBeUndefined();
    expect(api.headers.vary).toMatch(/accept-encoding/i);
    expect(api.json()).toMatchObject({ userCode: "JSMITH" });
  });

  it("compresses JSON and problem+json over 1 KB", async () => {
    const app = Fastify({ logger: false });
    await registerCompression(app);
    const big = { items: Array.from({ length: 100 }, (_, i) => ({ userCode: `USER${i}`, flags: "all off" })) };
    app.get("/json", async () => big);
    app.get("/problem", async (_req, reply) => reply.code(400).type("application/problem+json").send({ detail: "x".repeat(2000) }));
    const json = await app.inject({ url: "/json", headers: { "accept-encoding": "gzip" } });
    expect(json.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(json.rawPayload).toString("utf8"))).toEqual(big);
    const problem = await app.inject({ url: "/problem", headers: { "accept-encoding": "br" } });
    expect(problem.headers["content-encoding"]).toBe("br");
    expect(problem.headers.vary).toBe("accept-encoding");
    await app.close();
  });

  it("sends icons as they are: PNG is already compressed", async () => {
    const res = await get("/assets/icon-16.png", { "accept-encoding": "br, gzip" });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.rawPayload.equals(PNG)).toBe(true);
    expect(res.headers.vary ?? "").not.toMatch(/accept-encoding/i);
  });

  it("sends text uncompressed to a client that accepts no encoding, still saying it varies on Accept-Encoding", async () => {
    const res = await get(`/${HASHED_JS}`);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body).toBe(SCRIPT);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    const identity = await get(`/${HASHED_JS}`, { "accept-encoding": "identity" });
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.body).toBe(SCRIPT);
  });

  it("does not compress small responses, nor name Accept-Encoding twice", async () => {
    const res = await get("/healthz", { "accept-encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.json()).toEqual({ status: "ok" });
    const big = await get("/taskpane.html", { "accept-encoding": "gzip" });
    expect(String(big.headers.vary).match(/accept-encoding/gi)).toHaveLength(1);
  });

  it("refuses compressed request bodies rather than inflating them", async () => {
    const token = await h.token("jsmith@contoso.com");
    const res = await h.app.inject({
      method: "PUT",
      url: "/api/v1/setups/JSMITH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-encoding": "gzip", "if-match": '"1"' },
      payload: Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
  });
});

describe("what is never served", () => {
  it("source maps, in production mode", async () => {
    const res = await get(`/${HASHED_JS}.map`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain("webpack://");
  });

  it.each(["/.env", "/.git/config", "/assets/../.env", "/%2eenv"])("dotfiles: %s", async (url) => {
    const res = await get(url);
    expect([403, 404]).toContain(res.statusCode);
    expect(res.body).not.toContain(SECRET);
  });

  // Over a real socket: app.inject (like a browser) would tidy "/../", "%2e%2e" and "\\" away before
  // the server saw them, and an attacker's client does not.
  it.each([
    "/../secret.txt",
    "/assets/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/..%2fsecret.txt",
    "/assets/..%2f..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/..%252fsecret.txt",
    "/..\\secret.txt",
    "/assets\\..\\..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/..%5csecret.txt",
    "/assets/..%5c..%5csecret.txt",
    "/..%2f.env",
    "/assets/../../.env",
    `/${"../".repeat(12)}etc/passwd`,
    `/${"%2e%2e%2f".repeat(12)}etc/passwd`,
    "/%00../secret.txt",
  ])("path traversal: %s stays inside dist/", async (path) => {
    const res = await rawGet(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toMatch(/root:.*:0:0:/);
  });

  it("resolves a dot-dot that stays inside dist/ (so the requests above did reach the file server)", async () => {
    const res = await rawGet("/assets/../taskpane.html");
    expect(res.status).toBe(200);
    expect(res.text).toContain("<title>X3</title>");
  });
});

/** GET `path` byte for byte, as a hostile client would send it. */
async function rawGet(path: string): Promise<{ status: number; text: string }> {
  if (!listening) {
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    listening = true;
  }
  const { port } = h.app.server.address() as AddressInfo;
  const response = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`GET ${path} HTTP/1.1\r\nHost: addin.contoso.com\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("error", reject);
  });
  const status = /^HTTP\/1\.1 (\d{3})/.exec(response);
  if (!status) throw new Error(`not an HTTP response: ${response.slice(0, 80)}`);
  return { status: Number(status[1]), text: response };
}
let listening = false;

describe("registerStaticFiles", () => {
  it("serves source maps when asked (development mode)", async () => {
    const app = Fastify({ logger: false });
    await registerStaticFiles(app, dist, { sourceMaps: true });
    const res = await app.inject(`/${HASHED_JS}.map`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-cache");
    await app.close();
  });

  it("serves nothing, and says so, when the pane is not built", async () => {
    const app = Fastify({ logger: false });
    expect(await registerStaticFiles(app, join(top, "not-built"))).toBe(false);
    expect((await app.inject("/taskpane.html")).statusCode).toBe(404);
    await app.close();
  });
});

describe("inlineScriptSources", () => {
  const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "inline-scripts-"));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("hashes each inline script of each page, byte for byte, and nothing that loads from an address", () => {
    const first = "(function () { var d = document; d.title = 'é'; })();";
    const last = "\n  if (!window.fetch) document.body.className = 'old';\n";
    writeFileSync(
      join(folder, "taskpane.html"),
      `<!doctype html><head><script>${first}</script><script src=https://appsforoffice.microsoft.com/lib/1/hosted/office.js></script>` +
        `<script type=module src=/taskpane.0123456789abcdef.js></script></head><body><script>${last}</SCRIPT ></body>`,
    );
    writeFileSync(join(folder, "dialog.html"), `<script>${first}</script><script src="/x.js">ignored</script><script> </script>`);
    writeFileSync(join(folder, "notes.txt"), "<script>alert(1)</script>");
    expect(inlineScriptSources(folder).sort()).toEqual([sha256(first), sha256(last)].sort());
    // Chromium's own hash of those scripts: the same, as the browser test of the built pane shows.
    expect(sha256(first)).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
  });

  it("is empty when the pane is not built or has no inline script", () => {
    expect(inlineScriptSources(join(folder, "not-built"))).toEqual([]);
    writeFileSync(join(folder, "taskpane.html"), HTML);
    expect(inlineScriptSources(folder)).toEqual([]);
  });
});

describe("precompressed copies written by the build", () => {
  const PRE_JS = "precompressed.fedcba9876543210.js";
  const marker = (encoding: string) => `/* the ${encoding} copy */\n${"console.log('from the build');\n".repeat(100)}`;

  beforeAll(() => {
    writeFileSync(join(dist, PRE_JS), SCRIPT);
    writeFileSync(join(dist, `${PRE_JS}.br`), brotliCompressSync(Buffer.from(marker("br"))));
    writeFileSync(join(dist, `${PRE_JS}.gz`), gzipSync(Buffer.from(marker("gzip"))));
  });

  it.each([
    ["br", "br", brotliDecompressSync],
    ["gzip", "gzip", gunzipSync],
    ["br;q=0, gzip", "gzip", gunzipSync],
  ] as const)("are sent as they are for Accept-Encoding %s, as the script, cached like it", async (accept, encoding, decode) => {
    const res = await get(`/${PRE_JS}`, { "accept-encoding": accept });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe(encoding);
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(decode(res.rawPayload).toString()).toBe(marker(encoding));
  });

  it("are not sent to a client that takes no compression", async () => {
    const res = await get(`/${PRE_JS}`, { "accept-encoding": "identity" });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.payload).toBe(SCRIPT);
  });
});
