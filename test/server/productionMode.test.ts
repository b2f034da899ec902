/**
 * The server as IT runs it: production mode, started in-process by `startAddinServer`, over real HTTPS,
 * with an X3 (the emulator) and a tenant (a local JWKS on loopback). A correctly signed token for
 * jsmith@contoso.com is accepted; every other token is refused; there is no development sign-in.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Agent, request } from "undici";
import { loadConfig } from "../../src/server/config";
import { startAddinServer, type RunningAddinServer } from "../../src/server/server";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import { startTestEmulator, testFolder, type TestFolder } from "../x3/fixture";
import { badTokens, entraAuthEnv, type LocalEntra, startLocalEntra } from "./entraFixture";
import { http1Get, http2Request, http2Session } from "./http2Client";

let folder: TestFolder;
let entra: LocalEntra;
let emulator: RunningX3Emulator;
let server: RunningAddinServer;
let agent: Agent;

beforeAll(async () => {
  folder = await testFolder();
  entra = await startLocalEntra();
  emulator = await startTestEmulator(folder);
  const staticDir = join(folder.dir, "dist");
  await mkdir(staticDir);
  const config = loadConfig(
    {
      ADDIN_MODE: "production",
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: folder.dir,
      STATIC_DIR: staticDir,
      // testFolder() wrote them with developmentTls(dir, null): certs/localhost.crt and .key.
      TLS_CERT_FILE: folder.tls.certFile,
      TLS_KEY_FILE: join(folder.dir, "certs", "localhost.key"),
      ...entraAuthEnv(entra),
      X3_BASE_URL: emulator.url,
      X3_USER: "admin",
      X3_PASSWORD: "admin",
      X3_SOAP_POOL_ALIAS: "SEED",
      X3_CA_FILE: folder.tls.certFile,
      LOG_LEVEL: "silent",
    },
    folder.dir,
  );
  server = await startAddinServer(config, { logger: false, officeCertsFolder: null });
  agent = new Agent({ connect: { ca: folder.tls.ca } });
});

afterAll(async () => {
  await agent?.close();
  await server?.close();
  await emulator?.close();
  await entra?.close();
  await folder?.remove();
});

async function call(method: "GET" | "POST", path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await request(`${server.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

it("serves HTTPS with the configured certificate", () => {
  expect(server.url).toMatch(/^https:\/\/localhost:\d+$/);
  expect(server.emulator).toBeNull();
});

it("speaks HTTP/2 to a client that offers it (a read and a save on one connection), and HTTP/1.1 to one that does not", async () => {
  const token = bearer(await entra.token("jsmith@contoso.com"));
  const session = await http2Session(server.url, folder.tls.ca);
  try {
    expect(session.alpnProtocol).toBe("h2");
    const read = await http2Request(session, "GET", "/api/v1/setups/JSMITH", token);
    expect(read.status).toBe(200);
    const setup = JSON.parse(read.text) as { flags: Record<string, boolean>; version: number };
    const body = JSON.stringify({ flags: { ...setup.flags, COROTKCRE: !setup.flags.COROTKCRE } });
    const saved = await http2Request(session, "PUT", "/api/v1/setups/JSMITH", { ...token, "if-match": String(read.headers.etag), "content-type": "application/json" }, body);
    const after = JSON.parse(saved.text) as { flags: Record<string, boolean>; version: number };
    expect({ status: saved.status, version: after.version, flag: after.flags.COROTKCRE }).toEqual({
      status: 200,
      version: setup.version + 1,
      flag: !setup.flags.COROTKCRE,
    });
    // The same security headers as over HTTP/1.1, and none of HTTP/1.1's connection headers (HTTP/2 forbids them).
    expect(saved.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(saved.headers["content-security-policy"]).toContain("frame-ancestors 'self' https://outlook.office.com");
    expect(saved.headers).not.toHaveProperty("connection");
    expect(saved.headers).not.toHaveProperty("keep-alive");
  } finally {
    session.close();
  }
  // A client that offers only HTTP/1.1 (scripts, monitoring probes, load generators) is served as before.
  const http1 = await http1Get(`${server.url}/api/v1/auth/config`, { ca: folder.tls.ca });
  const version = `${http1.version} ${http1.status}`;
  expect(version).toBe("1.1 200");
});

it("accepts a correctly signed token for jsmith@contoso.com: JSMITH, not an administrator", async () => {
  const me = await call("GET", "/api/v1/me", bearer(await entra.token("jsmith@contoso.com")));
  expect(me.status).toBe(200);
  expect(me.json).toMatchObject({ user: { code: "JSMITH", email: "jsmith@contoso.com" }, administrator: false, development: false });
});

it("refuses every other token with 401, a problem and a challenge", async () => {
  for (const [what, token] of Object.entries(await badTokens(entra))) {
    const res = await call("GET", "/api/v1/me", bearer(token));
    expect({ what, status: res.status, code: res.json?.code }).toEqual({ what, status: 401, code: "unauthenticated" });
    expect(res.headers["www-authenticate"]).toMatch(/error="invalid_token"/);
    expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
  }
  const none = await call("GET", "/api/v1/me");
  expect(none.status).toBe(401);
});

it("has no development sign-in", async () => {
  const token = await call("POST", "/api/v1/dev/token", {}, { email: "jsmith@contoso.com" });
  expect(token.status).toBe(404);
  expect(token.json).not.toHaveProperty("access_token");
  const users = await call("GET", "/api/v1/dev/users");
  expect(users.status).toBe(404);
});

it("makes the holder of the administrator app role an administrator", async () => {
  const admin = await call("GET", "/api/v1/me", bearer(await entra.token("ldupont@contoso.com", { roles: ["SyncSetup.Admin"] })));
  expect(admin.json).toMatchObject({ user: { code: "LDUPONT" }, administrator: true });
  const other = await call("GET", "/api/v1/me", bearer(await entra.token("ldupont@contoso.com", { roles: ["SyncSetup.Reader"] })));
  expect(other.json).toMatchObject({ user: { code: "LDUPONT" }, administrator: false });
  // The role opens other users' setups, as ADMIN_USERS does.
  const setup = await call("GET", "/api/v1/setups/MCLARK", bearer(await entra.token("ldupont@contoso.com", { roles: ["SyncSetup.Admin"] })));
  expect(setup.status).toBe(200);
  expect(setup.json).toMatchObject({ userCode: "MCLARK" });
});

it("tells the pane how to sign in with Entra ID", async () => {
  const res = await call("GET", "/api/v1/auth/config");
  expect(res.status).toBe(200);
  expect(res.json).toEqual({
    mode: "entra",
    clientId: entra.audience,
    authority: entra.issuer.replace(/\/v2\.0$/, ""),
    scopes: [expect.stringMatching(new RegExp(`^api://localhost:\\d+/${entra.audience}/access_as_user$`))],
  });
});
