/**
 * Who may do what, in production mode with Microsoft Entra ID tokens (a local tenant on loopback): the
 * matrix is built from the routes the app registers and the access the OpenAPI document declares for each,
 * so a new route is checked — or makes this test fail until its access is declared. Then every kind of
 * bad token on every protected route, a cached verification that must not outlive the token, and no
 * development sign-in.
 */
import type { LightMyRequestResponse } from "fastify";
import { allFlags } from "../../src/core/flags";
import { API_ROUTES } from "../../src/server/openapi";
import { badTokens, type LocalEntra, startLocalEntra } from "../server/entraFixture";
import { bearer, type Harness } from "../server/harness";
import { type StaticFolder, staticFolder, startProductionHarness } from "./support";

let entra: LocalEntra;
let statics: StaticFolder;
let h: Harness;
const callers: Record<Caller, Record<string, string>> = { anonymous: {}, user: {}, other: {}, roleAdmin: {}, listedAdmin: {} };
type Caller = "anonymous" | "user" | "other" | "roleAdmin" | "listedAdmin";

beforeAll(async () => {
  entra = await startLocalEntra();
  statics = staticFolder();
  h = await startProductionHarness(entra, { rateLimitPerMinute: 100_000, userRateLimitPerMinute: 100_000 }, { STATIC_DIR: statics.dist, ADMIN_USERS: "ADMIN" });
  callers.user = bearer(await entra.token("jsmith@contoso.com"));
  // Signed in as LDUPONT: a valid token, for another user than the setup it is used on.
  callers.other = bearer(await entra.token("ldupont@contoso.com"));
  callers.roleAdmin = bearer(await entra.token("mclark@contoso.com", { roles: ["SyncSetup.Admin"] }));
  // ADMIN is in ADMIN_USERS (production has no default), with no app role.
  callers.listedAdmin = bearer(await entra.token("admin@contoso.com"));
}, 30_000);

afterAll(async () => {
  await h?.close();
  await entra?.close();
  statics?.remove();
});

type Access = "none" | "user" | "administrator" | "static";
const key = (method: string, path: string) => `${method} ${path.replace(/\{(\w+)\}/g, ":$1")}`;
const DOCUMENTED = new Map(API_ROUTES.map((r) => [key(r.method.toUpperCase(), r.path), r]));

/** A valid body for each route that takes one, so an allowed write gets as far as its version check. */
const BODIES: Record<string, unknown> = {
  "PUT /api/v1/setups/:userCode": { flags: allFlags(false) },
  "POST /api/v1/setups/:userCode/restore": { version: 1 },
  "PUT /api/v1/policy": { defaults: {}, locks: {} },
};

interface Route {
  readonly method: string;
  readonly path: string;
  readonly access: Access;
  /** A versioned write (If-Match). */
  readonly write: boolean;
}

/** Every registered route with the access it must have; a route no one declared fails here. */
function routes(): Route[] {
  return h.app.registeredRoutes.map((r) => {
    const [method, path] = r.split(" ") as [string, string];
    if (path === "/" || path === "/*") return { method, path, access: "static" as const, write: false };
    const doc = DOCUMENTED.get(key(method === "HEAD" ? "GET" : method, path));
    if (!doc) throw new Error(`${r} is registered, and the OpenAPI document does not say who may call it`);
    return { method, path, access: doc.auth, write: doc.ifMatch === true };
  });
}

async function call(route: Route, caller: Caller, target: string): Promise<LightMyRequestResponse> {
  const url = route.path.replace(":userCode", target).replace("*", "taskpane.html");
  const body = BODIES[`${route.method} ${route.path}`];
  // A stale version on purpose: an allowed write ends in 412 and never writes.
  const headers = { ...callers[caller], ...(route.write ? { "if-match": '"999"' } : {}) };
  return h.app.inject({ method: route.method as "GET", url, headers, ...(body === undefined ? {} : { payload: body as object }) });
}

/** May this caller reach this route for this target user? */
function mayReach(route: Route, caller: Caller, target: string): boolean {
  if (route.access === "none" || route.access === "static") return true;
  if (caller === "anonymous") return false;
  const admin = caller === "roleAdmin" || caller === "listedAdmin";
  if (route.access === "administrator") return admin;
  if (!route.path.includes(":userCode")) return true;
  return admin || (caller === "user" && target === "JSMITH") || (caller === "other" && target === "LDUPONT");
}

describe("a mailbox address and the person it belongs to", () => {
  it("refuses a token with the address of a signed-in user but another object id (the address given to someone else)", async () => {
    expect((await h.app.inject({ url: "/api/v1/me", headers: callers.user })).statusCode).toBe(200);
    const impostor = await entra.token("jsmith@contoso.com", { oid: "99999999-9999-4999-8999-999999999999" });
    const res = await h.app.inject({ url: "/api/v1/me", headers: bearer(impostor) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: "identity-changed" });
    // The person the address belongs to is still served.
    expect((await h.app.inject({ url: "/api/v1/me", headers: callers.user })).statusCode).toBe(200);
  });
});

describe("the authorization matrix, in production mode", () => {
  it("covers every registered route with every kind of caller, towards their own setup and another user's", async () => {
    const all = routes();
    expect(all.length).toBeGreaterThanOrEqual(20);
    const cells: string[] = [];
    for (const route of all) {
      for (const caller of Object.keys(callers) as Caller[]) {
        for (const target of route.path.includes(":userCode") ? ["JSMITH", "LDUPONT"] : ["-"]) {
          const res = await call(route, caller, target);
          const allowed = mayReach(route, caller, target);
          const expected = allowed ? "served" : caller === "anonymous" ? 401 : 403;
          const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : res.statusCode < 500 ? "served" : res.statusCode;
          expect({ route: `${route.method} ${route.path}`, caller, target, status: got }).toEqual({ route: `${route.method} ${route.path}`, caller, target, status: expected });
          // An allowed write reaches the version check (or finds nothing to restore), and never writes.
          if (allowed && route.write) expect([404, 412]).toContain(res.statusCode);
          if (res.statusCode >= 400) expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
          cells.push(`${route.method} ${route.path} ${caller} ${target}`);
        }
      }
    }
    expect(cells.length).toBeGreaterThan(150);
  }, 40_000);

  it("has no development sign-in: not registered, not documented, answered 404", async () => {
    expect(h.app.registeredRoutes.filter((r) => r.includes("/dev/"))).toEqual([]);
    const token = await h.app.inject({ method: "POST", url: "/api/v1/dev/token", payload: { email: "admin@contoso.com" } });
    expect(token.statusCode).toBe(404);
    expect(token.body).not.toContain("access_token");
    const document = (await h.app.inject("/api/v1/openapi.json")).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((p) => p.includes("/dev/"))).toEqual([]);
  });
});

describe("tokens", () => {
  const protectedRoutes = () => routes().filter((r) => r.access === "user" || r.access === "administrator");

  it("refuses every bad token on every protected route with 401 and a challenge", async () => {
    // expired, not yet valid, wrong audience, issuer or tenant, alg none, HS256 with the public key,
    // signed by another key, an unknown key, no mailbox, no expiry, a changed claim.
    const tokens = await badTokens(entra);
    expect(Object.keys(tokens).length).toBeGreaterThanOrEqual(13);
    for (const route of protectedRoutes()) {
      for (const [what, token] of Object.entries(tokens)) {
        callers.anonymous = bearer(token);
        const res = await call(route, "anonymous", "JSMITH");
        expect({ route: `${route.method} ${route.path}`, what, status: res.statusCode }).toEqual({ route: `${route.method} ${route.path}`, what, status: 401 });
        expect(res.headers["www-authenticate"]).toMatch(/error="invalid_token"/);
      }
    }
    callers.anonymous = {};
  }, 30_000);

  const me = async (token: string) => (await h.app.inject({ url: "/api/v1/me", headers: bearer(token) })).statusCode;

  it("refuses what only looks like a token it has just accepted: another signature, another payload, cut short", async () => {
    const good = await entra.token("jsmith@contoso.com");
    expect(await me(good)).toBe(200);
    expect(await me(good)).toBe(200);
    const [header, payload, signature] = good.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const otherSignature = signature.slice(0, -4) + (signature.endsWith("AAAA") ? "BBBB" : "AAAA");
    const asAdmin = Buffer.from(JSON.stringify({ ...claims, preferred_username: "admin@contoso.com" })).toString("base64url");
    const withRole = Buffer.from(JSON.stringify({ ...claims, roles: ["SyncSetup.Admin"] })).toString("base64url");
    for (const forged of [`${header}.${payload}.${otherSignature}`, `${header}.${asAdmin}.${signature}`, `${header}.${withRole}.${signature}`, `${header}.${payload}.`, `${header}.${payload}`, good.slice(0, -1)]) {
      expect({ forged, status: await me(forged) }).toEqual({ forged, status: 401 });
    }
    expect(await me(good)).toBe(200);
  });

  describe("a verified token, once its time is up", () => {
    // Only Date is faked: sockets (the JWKS, X3) keep their real timers. The app is built under the fake
    // clock, so whatever clock a cache of verified tokens took at construction is the fake one too.
    let timed: Harness;
    const timedMe = async (token: string) => (await timed.app.inject({ url: "/api/v1/me", headers: bearer(token) })).statusCode;
    beforeAll(async () => {
      jest.useFakeTimers({
        doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"],
        now: Date.now(),
      });
      timed = await startProductionHarness(entra);
    }, 30_000);
    afterAll(async () => {
      await timed?.close();
      jest.useRealTimers();
    });

    it("is refused after it expires, though it was accepted (and perhaps cached) before", async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await entra.token("jsmith@contoso.com", { exp: now + 300 });
      expect(await timedMe(token)).toBe(200);
      expect(await timedMe(token)).toBe(200);
      // Past the expiry and any clock tolerance.
      jest.setSystemTime(Date.now() + (300 + 3600) * 1000);
      expect(await timedMe(token)).toBe(401);
      // And it stays refused: the refusal did not bring back a stale acceptance.
      expect(await timedMe(token)).toBe(401);
    });

    it("is refused before its nbf, though the same caller's other token is accepted, and accepted from then on", async () => {
      const now = Math.floor(Date.now() / 1000);
      expect(await timedMe(await entra.token("jsmith@contoso.com"))).toBe(200);
      const early = await entra.token("jsmith@contoso.com", { nbf: now + 3600, exp: now + 7200 });
      expect(await timedMe(early)).toBe(401);
      expect(await timedMe(early)).toBe(401);
      // Its time has come: the earlier refusal is not remembered against it.
      jest.setSystemTime(Date.now() + 3700 * 1000);
      expect(await timedMe(early)).toBe(200);
    });
  });

  it("is refused once it expires on the real clock, whatever clock a cache of verified tokens keeps", async () => {
    // jose accepts 60 s of clock skew (tokens.ts): this token has about 2 s left of it.
    const token = await entra.token("jsmith@contoso.com", { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 58 });
    expect(await me(token)).toBe(200);
    expect(await me(token)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3200));
    expect(await me(token)).toBe(401);
  }, 15_000);
});
