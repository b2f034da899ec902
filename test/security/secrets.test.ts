/**
 * No token, password or secret in the logs: the server as IT runs it (production mode, started by
 * `startAddinServer`, X3 behind Basic credentials, a tenant on loopback), every line at trace level
 * captured from its start — with secrets in its configuration — through sign-ins good and bad, a token
 * sent in the address, X3 refusing and failing, a server error, and a start with a wrong X3 password.
 */
import { join } from "node:path";
import { allFlags } from "../../src/core/flags";
import { loggedUrl } from "../../src/server/app";
import { loadConfig } from "../../src/server/config";
import { type RunningAddinServer, startAddinServer } from "../../src/server/server";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import { badTokens, entraAuthEnv, type LocalEntra, startLocalEntra } from "../server/entraFixture";
import { bearer } from "../server/harness";
import { startTestEmulator, testFolder, type TestFolder } from "../x3/fixture";
import { captureLogs, type LogCapture } from "./support";

const X3_USER = "WSADDIN";
const X3_PASSWORD = "Pa55-x3-secret-9c1e";
const SECRETS: Record<string, string> = {
  X3_PASSWORD,
  X3_CLIENT_SECRET: "client-secret-5d2f8a71",
  DEV_TOKEN_SECRET: "dev-token-secret-0b7e44c2",
};

let folder: TestFolder;
let entra: LocalEntra;
let emulator: RunningX3Emulator;

beforeAll(async () => {
  folder = await testFolder();
  entra = await startLocalEntra();
  emulator = await startTestEmulator(folder, { credentials: { user: X3_USER, password: X3_PASSWORD }, testHooks: true });
}, 30_000);

afterAll(async () => {
  await emulator?.close();
  await entra?.close();
  await folder?.remove();
});

function start(logs: LogCapture, overrides: Record<string, string> = {}): Promise<RunningAddinServer> {
  const config = loadConfig(
    {
      ADDIN_MODE: "production",
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: folder.dir,
      SQLITE_FILE: join(folder.dir, `store-${Math.random().toString(36).slice(2)}.sqlite`),
      STATIC_DIR: join(folder.dir, "no-dist"),
      TLS_CERT_FILE: folder.tls.certFile,
      TLS_KEY_FILE: join(folder.dir, "certs", "localhost.key"),
      ...entraAuthEnv(entra),
      X3_BASE_URL: emulator.url,
      X3_USER,
      X3_SOAP_POOL_ALIAS: "SEED",
      X3_CA_FILE: folder.tls.certFile,
      OUTBOX_POLL_MS: "50",
      ...SECRETS,
      ...overrides,
    },
    folder.dir,
  );
  return startAddinServer(config, { logger: { level: "trace", stream: logs.stream }, officeCertsFolder: null });
}

/** Every form a secret could take in a log line. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64")];
}

function expectNoSecret(logs: LogCapture, tokens: string[]): void {
  const text = logs.text();
  const basic = Buffer.from(`${X3_USER}:${X3_PASSWORD}`).toString("base64");
  const needles = [
    ...Object.values(SECRETS).flatMap(forms),
    basic,
    ...tokens,
    // A token's signature alone is as good as the token to someone replaying it.
    ...tokens.map((t) => t.split(".")[2]).filter((s): s is string => !!s && s.length > 20),
    // Its payload names the user and the tenant: not secret, but never logged whole.
    ...tokens.map((t) => t.split(".")[1]).filter((s): s is string => !!s && s.length > 20),
  ];
  for (const needle of needles) expect({ found: text.includes(needle) ? needle : null }).toEqual({ found: null });
}

describe("the logs", () => {
  it("hold no token, password or secret, from start to stop, whatever happens in between", async () => {
    const logs = captureLogs();
    const server = await start(logs);
    const tokens: string[] = [];
    try {
      const inject = server.app.inject.bind(server.app);
      const good = await entra.token("jsmith@contoso.com");
      const admin = await entra.token("mclark@contoso.com", { roles: ["SyncSetup.Admin"] });
      tokens.push(good, admin);
      expect((await inject({ url: "/api/v1/me", headers: bearer(good) })).statusCode).toBe(200);
      const setup = await inject({ url: "/api/v1/setups/JSMITH", headers: bearer(good) });
      const saved = await inject({
        method: "PUT",
        url: "/api/v1/setups/JSMITH",
        headers: { ...bearer(good), "if-match": String(setup.headers.etag) },
        payload: { flags: allFlags(true) },
      });
      expect(saved.statusCode).toBe(200);

      for (const token of Object.values(await badTokens(entra))) {
        tokens.push(token);
        expect((await inject({ url: "/api/v1/me", headers: bearer(token) })).statusCode).toBe(401);
      }
      // A client that puts its token in the address: refused, and the address is logged without it.
      const inQuery = await inject({ url: `/api/v1/me?access_token=${good}&${good}` });
      expect(inQuery.statusCode).toBe(401);
      // Tokens in a body, a cookie and a header the server does not read.
      await inject({ method: "PUT", url: "/api/v1/policy", headers: { ...bearer(admin), cookie: `session=${good}`, "x-token": good, "if-match": '"0"' }, payload: { token: good } });

      // X3 refuses, then fails: the gateway's errors are logged, its credentials are not.
      emulator.app.x3Emulator.faults.set({ kind: "diagnoses", count: null, message: "Locked by another user" });
      const again = await inject({ url: "/api/v1/setups/JSMITH", headers: bearer(good) });
      await inject({ method: "PUT", url: "/api/v1/setups/JSMITH", headers: { ...bearer(good), "if-match": String(again.headers.etag) }, payload: { flags: allFlags(false) } });
      emulator.app.x3Emulator.faults.set({ kind: "unavailable", count: null });
      await inject({ url: "/readyz" });
      await inject({ url: "/api/v1/setups/JSMITH/impact", headers: bearer(good) });
      await inject({ method: "POST", url: "/api/v1/admin/x3-check", headers: bearer(admin) });
      emulator.app.x3Emulator.faults.set({ kind: "reset", count: null });
      await inject({ url: "/readyz" });
      emulator.app.x3Emulator.faults.clear();
      // Let the outbox try (and log) a delivery or two.
      await new Promise((resolve) => setTimeout(resolve, 300));

      // A server error, with the token on the request that caused it.
      const history = server.store.history.bind(server.store);
      server.store.history = async () => {
        throw new Error("the store failed");
      };
      expect((await inject({ url: "/api/v1/setups/JSMITH/history", headers: bearer(good) })).statusCode).toBe(500);
      server.store.history = history;
    } finally {
      emulator.app.x3Emulator.faults.clear();
      await server.close();
    }

    const entries = logs.entries();
    // The logs did see all of it: the start, the requests, X3's refusal, the server error.
    expect(entries.length).toBeGreaterThan(20);
    expect(entries.some((e) => e["msg"] === "request completed")).toBe(true);
    expect(entries.some((e) => e["msg"] === "unhandled error")).toBe(true);
    expect(entries.some((e) => JSON.stringify(e).includes("Locked by another user"))).toBe(true);
    expect(entries.some((e) => JSON.stringify(e["req"] ?? "").includes("/api/v1/me?access_token=…"))).toBe(true);
    expectNoSecret(logs, tokens);
  }, 45_000);

  it("hold no password when X3 refuses the server's credentials", async () => {
    const logs = captureLogs();
    const wrong = "Wr0ng-x3-password-77aa";
    const server = await start(logs, { X3_PASSWORD: wrong });
    try {
      const ready = await server.app.inject({ url: "/readyz" });
      expect(ready.json()).toMatchObject({ checks: { x3: "failed" } });
    } finally {
      await server.close();
    }
    expect(logs.text()).toMatch(/X3 readiness probe refused/);
    expect(logs.text()).not.toContain(wrong);
    expect(logs.text()).not.toContain(Buffer.from(`${X3_USER}:${wrong}`).toString("base64"));
  }, 30_000);

  it("are not where the configuration is refused: credentials in X3's address are refused, and not echoed", () => {
    let message = "";
    try {
      loadConfig({ X3_BASE_URL: `https://${X3_USER}:${X3_PASSWORD}@x3.contoso.com`, X3_USER, X3_PASSWORD }, folder.dir);
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    expect(message).toMatch(/X3_BASE_URL must not hold credentials/);
    expect(message).not.toContain(X3_PASSWORD);
  });

  it("log an address's path and the names of its query, never the values", () => {
    expect(loggedUrl("/api/v1/users?search=Dupont&page=2")).toBe("/api/v1/users?search=…&page=…");
    expect(loggedUrl("/api/v1/me?access_token=eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl")).toBe("/api/v1/me?access_token=…");
    expect(loggedUrl("/x?eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).toBe("/x?…=…");
    expect(loggedUrl("/taskpane.html")).toBe("/taskpane.html");
  });
});
