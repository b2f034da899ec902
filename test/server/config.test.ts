/**
 * `npm run serve` in production mode refuses to start half-configured, naming each missing piece; and
 * development mode, which signs anyone in, never listens beyond loopback.
 */
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/server/config";
import { PRODUCTION_ENV } from "./productionEnv";

const cwd = "/srv/x3-sync-setup";
const load = (env: Record<string, string | undefined>) => loadConfig(env as NodeJS.ProcessEnv, cwd);
const without = (...names: string[]) =>
  Object.fromEntries(Object.entries(PRODUCTION_ENV).filter(([name]) => !names.includes(name)));

/** The message loadConfig throws for `env`; fails the test when it does not throw a ConfigError. */
function refusal(env: Record<string, string | undefined>): string {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("production mode", () => {
  it("starts with everything set, behind a TLS proxy", () => {
    const config = load(PRODUCTION_ENV);
    expect(config.development).toBe(false);
    expect(config.embeddedEmulator).toBe(false);
    expect(config.TRUST_PROXY).toBe(true);
    expect(config.HOST).toBe("0.0.0.0");
    expect(config.staticDir).toBe(join(cwd, "dist"));
  });

  it("starts with everything set and its own certificate files instead of a proxy", () => {
    const config = load({ ...without("TRUST_PROXY"), TLS_CERT_FILE: "/etc/ssl/addin.crt", TLS_KEY_FILE: "/etc/ssl/addin.key" });
    expect(config.TRUST_PROXY).toBe(false);
    expect(config.TLS_CERT_FILE).toBe("/etc/ssl/addin.crt");
  });

  it("starts with a Syracuse connected application instead of a Basic X3 user", () => {
    const config = load({ ...without("X3_PASSWORD"), X3_AUTH: "connectedApp", X3_CLIENT_ID: "ADDIN", X3_CLIENT_SECRET: "s3cret" });
    expect(config.X3_AUTH).toBe("connectedApp");
    expect(refusal({ ...without("X3_PASSWORD"), X3_AUTH: "connectedApp", X3_CLIENT_ID: "ADDIN" })).toMatch(
      /X3_AUTH=connectedApp needs X3_CLIENT_ID, X3_CLIENT_SECRET and X3_USER/,
    );
  });

  it.each([
    ["AUTH_ISSUER", /AUTH_ISSUER is required in production mode/],
    ["AUTH_AUDIENCE", /AUTH_AUDIENCE is required in production mode/],
    ["AUTH_JWKS_URL", /AUTH_JWKS_URL is required in production mode/],
    ["X3_BASE_URL", /X3_BASE_URL is required in production mode/],
    ["X3_USER", /X3_USER and X3_PASSWORD are required with X3_BASE_URL/],
    ["X3_PASSWORD", /X3_USER and X3_PASSWORD are required with X3_BASE_URL/],
    ["X3_SOAP_POOL_ALIAS", /X3_SOAP_POOL_ALIAS is required with X3_PROTOCOL=soap/],
    ["TRUST_PROXY", /needs TLS_CERT_FILE and TLS_KEY_FILE, or TRUST_PROXY \(hops or addresses\)/],
  ])("refuses to start without %s, saying so", (missing, message) => {
    const text = refusal(without(missing));
    expect(text).toMatch(message);
    // Only what is wrong is named.
    expect(text.trim().split("\n")).toHaveLength(2);
  });

  it("names every missing piece at once, not one per attempt", () => {
    const text = refusal({ ADDIN_MODE: "production" });
    for (const name of ["AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "X3_BASE_URL", "TLS_CERT_FILE"]) expect(text).toContain(name);
  });

  it("treats a blank variable as missing", () => {
    expect(refusal({ ...PRODUCTION_ENV, AUTH_ISSUER: "  " })).toMatch(/AUTH_ISSUER is required/);
  });

  it("refuses half a certificate, and an X3 that is not https", () => {
    expect(refusal({ ...PRODUCTION_ENV, TLS_CERT_FILE: "/etc/ssl/addin.crt" })).toMatch(/TLS_CERT_FILE and TLS_KEY_FILE go together/);
    expect(refusal({ ...PRODUCTION_ENV, X3_BASE_URL: "http://x3.contoso.com" })).toMatch(/X3_BASE_URL must be an https:\/\/ URL/);
  });

  it("reaches a stock X3 through SOAP by default, and through api1 classes when told to", () => {
    expect(load(PRODUCTION_ENV).X3_PROTOCOL).toBe("soap");
    const rest = load({ ...without("X3_SOAP_POOL_ALIAS"), X3_PROTOCOL: "rest" });
    expect(rest.X3_PROTOCOL).toBe("rest");
    expect(refusal({ ...PRODUCTION_ENV, X3_PROTOCOL: "odata" })).toMatch(/X3_PROTOCOL/);
    expect(refusal({ ...PRODUCTION_ENV, X3_SOAP_SETUP_GROUPS: "SYP1_1" })).toMatch(/X3_SOAP_SETUP_GROUPS/);
    expect(refusal({ ...PRODUCTION_ENV, X3_SOAP_MESSAGES: "{not json" })).toMatch(/X3_SOAP_MESSAGES/);
  });

  it("takes the tenant's keys over https only (plain HTTP on loopback alone: a local mirror, the tests' tenant)", () => {
    expect(refusal({ ...PRODUCTION_ENV, AUTH_JWKS_URL: "http://login.microsoftonline.com/x/discovery/v2.0/keys" })).toMatch(/AUTH_JWKS_URL must be an https:\/\/ URL/);
    expect(refusal({ ...PRODUCTION_ENV, AUTH_JWKS_URL: "http://10.0.0.5/keys" })).toMatch(/AUTH_JWKS_URL must be an https/);
    expect(refusal({ ...PRODUCTION_ENV, AUTH_JWKS_URL: "ftp://keys" })).toMatch(/AUTH_JWKS_URL/);
    expect(load({ ...PRODUCTION_ENV, AUTH_JWKS_URL: "http://127.0.0.1:8080/keys" }).AUTH_JWKS_URL).toBe("http://127.0.0.1:8080/keys");
  });

  it("refuses a v1 issuer: only v2 access tokens are accepted", () => {
    expect(refusal({ ...PRODUCTION_ENV, AUTH_ISSUER: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/" })).toMatch(/AUTH_ISSUER is a v1 issuer/);
  });

  it("names no administrator by default: they come from the app role or an explicit ADMIN_USERS", () => {
    expect(load(PRODUCTION_ENV).ADMIN_USERS).toEqual([]);
    expect(load({ ...PRODUCTION_ENV, ADMIN_USERS: "admin, jsmith" }).ADMIN_USERS).toEqual(["ADMIN", "JSMITH"]);
    expect(load({}).ADMIN_USERS).toEqual(["ADMIN"]);
  });

  it("refuses a mode it does not know", () => {
    expect(refusal({ ...PRODUCTION_ENV, ADDIN_MODE: "prod" })).toMatch(/ADDIN_MODE/);
  });
});

describe("development mode", () => {
  it("listens on loopback by default, with the embedded X3 emulator", () => {
    const config = load({});
    expect(config.development).toBe(true);
    expect(config.HOST).toBe("127.0.0.1");
    expect(config.embeddedEmulator).toBe(true);
  });

  it.each(["127.0.0.1", "::1", "localhost"])("accepts HOST=%s", (host) => {
    expect(load({ HOST: host }).HOST).toBe(host);
  });

  it.each(["0.0.0.0", "::", "192.168.1.20", "addin.contoso.com"])("refuses HOST=%s: it signs anyone in", (host) => {
    expect(refusal({ HOST: host })).toMatch(new RegExp(`HOST=${host.replace(/\./g, "\\.")}: development mode .* loopback only`));
  });
});

describe("the README's configuration reference", () => {
  it("lists exactly the variables the server reads", () => {
    const { readFileSync } = jest.requireActual<typeof import("node:fs")>("node:fs");
    const { join } = jest.requireActual<typeof import("node:path")>("node:path");
    const { CONFIG_VARIABLES } = jest.requireActual<typeof import("../../src/server/config")>("../../src/server/config");
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Tests"));
    const rows = section.split("\n").filter((l) => l.startsWith("| `"));
    const documented = new Set(rows.flatMap((row) => [...row.split("|")[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!)));
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});

describe("TRUST_PROXY", () => {
  const { loadConfig } = jest.requireActual<typeof import("../../src/server/config")>("../../src/server/config");
  // Production only: development mode refuses TRUST_PROXY (test/server/development.test.ts).
  const read = (value: string) => loadConfig({ ...PRODUCTION_ENV, TLS_CERT_FILE: "/etc/ssl/a.crt", TLS_KEY_FILE: "/etc/ssl/a.key", TRUST_PROXY: value }, "/tmp").TRUST_PROXY;

  it("takes a boolean, a hop count, or the proxies' addresses", () => {
    expect(read("")).toBe(false);
    expect(read("true")).toBe(true);
    expect(read("1")).toBe(1);
    expect(read("10.0.0.5, 10.0.1.0/24,::1")).toEqual(["10.0.0.5", "10.0.1.0/24", "::1"]);
  });

  it("refuses anything else, naming the variable", () => {
    expect(() => read("yes please")).toThrow(/TRUST_PROXY/);
  });
});
