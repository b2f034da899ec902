/**
 * Development sign-in stays on the developer's machine (issue 22, finding 3): `/api/v1/dev/*` answer a
 * loopback peer that addressed the server by a loopback name only, and development mode refuses the
 * settings that would put it behind a proxy or mean production sign-in was intended.
 */
import { loadConfig } from "../../src/server/config";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAddinServer } from "../../src/server/server";
import { type Harness, startHarness } from "./harness";
import { http2Request, http2Session } from "./http2Client";

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ rateLimitPerMinute: 1_000_000 });
});
afterAll(() => h.close());

const token = (remoteAddress: string, host: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: "POST", url: "/api/v1/dev/token", remoteAddress, headers: { host, ...headers }, payload: { email: "admin@contoso.com" } });

describe("the development endpoints", () => {
  it.each([
    ["127.0.0.1", "localhost:3000"],
    ["127.0.0.1", "localhost"],
    ["127.0.0.1", "127.0.0.1:3000"],
    ["::1", "[::1]:3000"],
    ["::ffff:127.0.0.1", "LOCALHOST:8443"],
  ])("answer a loopback peer (%s) with Host %s", async (peer, host) => {
    expect((await token(peer, host)).statusCode).toBe(200);
  });

  it.each([
    ["10.0.0.5", "localhost:3000", {}],
    // Forwarded headers name no peer: the socket's address decides.
    ["10.0.0.5", "localhost:3000", { "x-forwarded-for": "127.0.0.1" }],
    // DNS rebinding: a page whose name resolves to 127.0.0.1 sends its own name as Host.
    ["127.0.0.1", "evil.example:3000", {}],
    ["127.0.0.1", "localhost.evil.example", {}],
    ["127.0.0.1", "127.0.0.1.nip.io:3000", {}],
  ])("refuse peer %s with Host %s %j, as if they did not exist", async (peer, host, headers) => {
    const res = await token(peer, host, headers);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: "not-found" });
    const users = await h.app.inject({ url: "/api/v1/dev/users", remoteAddress: peer, headers: { host, ...headers } });
    expect(users.statusCode).toBe(404);
  });
});

describe("the development endpoints over HTTP/2, as a browser reaches them (no Host header, :authority instead)", () => {
  it("answer a loopback :authority, and refuse another name", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-h2-"));
    const server = await startAddinServer(loadConfig({ PORT: "0", X3_EMULATOR_PORT: "0", DATA_DIR: dir, STATIC_DIR: join(dir, "no-dist"), LOG_LEVEL: "silent" }, dir), {
      logger: false,
      officeCertsFolder: null,
    });
    const session = await http2Session(server.url);
    try {
      expect(session.alpnProtocol).toBe("h2");
      const body = JSON.stringify({ email: "jsmith@contoso.com" });
      const port = new URL(server.url).port;
      const ok = await http2Request(session, "POST", "/api/v1/dev/token", { "content-type": "application/json", ":authority": `localhost:${port}` }, body);
      expect(ok.status).toBe(200);
      const rebound = await http2Request(session, "POST", "/api/v1/dev/token", { "content-type": "application/json", ":authority": `evil.example:${port}` }, body);
      expect(rebound.status).toBe(404);
    } finally {
      session.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("development mode's configuration", () => {
  const refusal = (env: Record<string, string>): string => {
    try {
      loadConfig(env, "/tmp");
    } catch (err) {
      return String(err);
    }
    throw new Error("accepted");
  };

  it("refuses TRUST_PROXY: behind a proxy, development's sign-in would be reachable from afar", () => {
    expect(refusal({ TRUST_PROXY: "1" })).toMatch(/TRUST_PROXY: not accepted in development mode/);
    expect(refusal({ TRUST_PROXY: "true" })).toMatch(/TRUST_PROXY/);
  });

  it("refuses any AUTH_* variable, naming each", () => {
    const text = refusal({ AUTH_ISSUER: "https://login.microsoftonline.com/x/v2.0", AUTH_ADMIN_ROLE: "Admin", AUTH_JWKS_URL: "https://login.microsoftonline.com/x/keys" });
    expect(text).toMatch(/AUTH_ADMIN_ROLE, AUTH_ISSUER, AUTH_JWKS_URL: not accepted in development mode/);
  });

  it("keeps working with X3_BASE_URL set (a developer's test X3)", () => {
    const config = loadConfig({ X3_BASE_URL: "https://x3-test.contoso.com", X3_USER: "DEV", X3_PASSWORD: "pw", X3_SOAP_POOL_ALIAS: "TEST" }, "/tmp");
    expect(config.development).toBe(true);
    expect(config.embeddedEmulator).toBe(false);
    expect(config.ADMIN_USERS).toEqual(["ADMIN"]);
  });
});
