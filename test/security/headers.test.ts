/**
 * The security headers — Content-Security-Policy (Outlook's hosts as the only framers), HSTS, nosniff,
 * Referrer-Policy, the cross-origin policies — on every response the server gives: success, redirect,
 * revalidation, every refusal, a rate-limited request, a server error, a static file, and the addresses
 * Fastify answers before any hook runs.
 */
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { allFlags } from "../../src/core/flags";
import { OUTLOOK_FRAME_ANCESTORS } from "../../src/server/plugins/security";
import { badTokens, type LocalEntra, startLocalEntra } from "../server/entraFixture";
import { bearer, type Harness } from "../server/harness";
import { captureLogs, HASHED_JS, type LogCapture, rawRequest, type StaticFolder, staticFolder, startProductionHarness } from "./support";

let entra: LocalEntra;
let statics: StaticFolder;
let logs: LogCapture;
let h: Harness;
let user: Record<string, string>;
/** Every status seen by `expectSecure`, to prove the list below was really covered. */
const covered = new Set<number>();

const ADDRESS_LIMIT = 40;

beforeAll(async () => {
  entra = await startLocalEntra();
  statics = staticFolder();
  logs = captureLogs();
  h = await startProductionHarness(entra, { rateLimitPerMinute: ADDRESS_LIMIT, logger: { level: "warn", stream: logs.stream } }, { STATIC_DIR: statics.dist });
  user = bearer(await entra.token("jsmith@contoso.com"));
}, 30_000);

afterAll(async () => {
  await h?.close();
  await entra?.close();
  statics?.remove();
});

/** Each request from its own address, so the per-address limit is reached only where a test wants it. */
let nextAddress = 1;
const address = () => `10.1.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;

async function inject(options: InjectOptions & { headers?: Record<string, string> }): Promise<LightMyRequestResponse> {
  return h.app.inject({ ...options, headers: { "x-forwarded-for": address(), ...options.headers } });
}

function expectSecure(what: string, status: number, headers: Record<string, unknown>): void {
  covered.add(status);
  const csp = String(headers["content-security-policy"] ?? "");
  const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  const got = {
    what,
    "default-src": directives.get("default-src"),
    "script-src": directives.get("script-src"),
    "object-src": directives.get("object-src"),
    "base-uri": directives.get("base-uri"),
    "frame-ancestors": directives.get("frame-ancestors"),
    hsts: headers["strict-transport-security"],
    nosniff: headers["x-content-type-options"],
    referrer: headers["referrer-policy"],
    opener: headers["cross-origin-opener-policy"],
    resource: headers["cross-origin-resource-policy"],
    poweredBy: headers["x-powered-by"],
    requestId: typeof headers["x-request-id"],
  };
  expect(got).toEqual({
    what,
    "default-src": ["'self'"],
    "script-src": ["'self'", "https://appsforoffice.microsoft.com"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    // Framed by Outlook only: no wildcard, no http.
    "frame-ancestors": ["'self'", ...OUTLOOK_FRAME_ANCESTORS],
    hsts: "max-age=31536000; includeSubDomains",
    nosniff: "nosniff",
    referrer: "no-referrer",
    opener: "same-origin-allow-popups",
    resource: "cross-origin",
    poweredBy: undefined,
    requestId: "string",
  });
  expect(OUTLOOK_FRAME_ANCESTORS.every((a) => a.startsWith("https://") && a !== "https://*")).toBe(true);
}

const check = async (what: string, expected: number, options: Parameters<typeof inject>[0]) => {
  const res = await inject(options);
  expect({ what, status: res.statusCode }).toEqual({ what, status: expected });
  expectSecure(what, res.statusCode, res.headers);
  return res;
};

describe("security headers", () => {
  it("are on every API answer: success and every refusal", async () => {
    await check("the API", 200, { url: "/api/v1/me", headers: user });
    await check("health", 200, { url: "/healthz" });
    await check("a HEAD", 200, { method: "HEAD", url: "/api/v1/setups/JSMITH", headers: user });
    await check("malformed JSON", 400, { method: "PUT", url: "/api/v1/setups/JSMITH", headers: { ...user, "if-match": '"1"', "content-type": "application/json" }, payload: "{" });
    await check("no token", 401, { url: "/api/v1/me" });
    const [, expired] = Object.entries(await badTokens(entra))[0]!;
    await check("an expired token", 401, { url: "/api/v1/me", headers: bearer(expired) });
    await check("another user's setup", 403, { url: "/api/v1/setups/LDUPONT", headers: user });
    await check("an unknown API route", 404, { url: "/api/v1/nothing", headers: user });
    await check("a stale version", 412, { method: "PUT", url: "/api/v1/setups/JSMITH", headers: { ...user, "if-match": '"999"' }, payload: { flags: allFlags(false) } });
    await check("an oversize body", 413, { method: "PUT", url: "/api/v1/setups/JSMITH", headers: { ...user, "if-match": '"1"', "content-type": "application/json" }, payload: JSON.stringify({ pad: "x".repeat(20_000) }) });
    await check("a text body", 415, { method: "PUT", url: "/api/v1/setups/JSMITH", headers: { ...user, "if-match": '"1"', "content-type": "text/plain" }, payload: "flags" });
    await check("no If-Match", 428, { method: "PUT", url: "/api/v1/setups/JSMITH", headers: user, payload: { flags: allFlags(false) } });
  });

  it("are on the static files: 200, 304, 302, 404 and a refused dotfile", async () => {
    const html = await check("the pane", 200, { url: "/taskpane.html" });
    await check("a hashed script", 200, { url: `/${HASHED_JS}` });
    await check("a revalidation", 304, { url: "/taskpane.html", headers: { "if-none-match": String(html.headers.etag) } });
    await check("the root", 302, { url: "/" });
    await check("a missing file", 404, { url: "/missing.js" });
    await check("a source map in production", 404, { url: `/${HASHED_JS}.map` });
    const dotfile = await inject({ url: "/.env" });
    expect([403, 404]).toContain(dotfile.statusCode);
    expectSecure("a dotfile", dotfile.statusCode, dotfile.headers);
  });

  it("are on the answers given before any hook runs: an address that cannot be decoded, a parameter too long", async () => {
    for (const [path, status] of [
      ["/api/v1/setups/%FF", 400],
      ["/api/v1/setups/%00%ED%A0%80JSMITH", 400],
      ["/%E0%A4%A", 400],
      // Too long for a user code: Fastify answers 414 — unless, as here, the static files' wildcard takes it (404).
      [`/api/v1/setups/${"J".repeat(200)}`, 404],
    ] as const) {
      const res = await rawRequest(h.app, path, "GET", { "x-forwarded-for": address() });
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expectSecure(path, res.status, res.headers);
    }
  });

  it("are on a server error, which tells nothing of its cause", async () => {
    const history = h.store.history.bind(h.store);
    h.store.history = async () => {
      throw new Error("SQLITE_IOERR: disk I/O error in /var/lib/addin/store.sqlite");
    };
    try {
      const res = await check("a server error", 500, { url: "/api/v1/setups/JSMITH/history", headers: user });
      expect(res.json()).toMatchObject({ code: "internal", detail: expect.stringContaining(String(res.headers["x-request-id"])) });
      expect(res.body).not.toMatch(/SQLITE|sqlite|\/var\/lib|stack/);
    } finally {
      h.store.history = history;
    }
    expect(logs.text()).toContain("SQLITE_IOERR");
  });

  it("are on a rate-limited answer (429), which says when to come back", async () => {
    const from = { "x-forwarded-for": "10.9.9.9" };
    const answers = await Promise.all(Array.from({ length: ADDRESS_LIMIT + 5 }, () => h.app.inject({ url: "/healthz", headers: from })));
    const limited = answers.filter((r) => r.statusCode === 429);
    expect(limited).toHaveLength(5);
    expect(limited[0]!.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(Number(limited[0]!.headers["retry-after"])).toBeGreaterThan(0);
    expectSecure("rate limited", 429, limited[0]!.headers);
  });

  it("were checked on every status listed", () => {
    expect([...covered].sort()).toEqual(expect.arrayContaining([200, 302, 304, 400, 401, 403, 404, 412, 413, 415, 428, 429, 500]));
  });
});
