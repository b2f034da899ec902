/**
 * The authorization matrix: every route, for every kind of caller, towards their own setup and another
 * user's. A refusal never says whether the other user exists.
 */
import { bearer, flagsWith, type Harness, startHarness } from "./harness";

let h: Harness;
const callers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  h = await startHarness();
  callers.anonymous = {};
  callers.forged = { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJwcmVmZXJyZWRfdXNlcm5hbWUiOiJhZG1pbkBjb250b3NvLmNvbSJ9." };
  callers.user = bearer(await h.token("jsmith@contoso.com"));
  callers.admin = bearer(await h.token("admin@contoso.com"));
});
afterAll(() => h.close());

type Route = { method: "GET" | "PUT" | "POST"; url: string; body?: unknown; ifMatch?: boolean };
const own = "JSMITH";
const routes = (target: string): Record<string, Route> => ({
  "read setup": { method: "GET", url: `/api/v1/setups/${target}` },
  "write setup": { method: "PUT", url: `/api/v1/setups/${target}`, body: { flags: flagsWith({}) }, ifMatch: true },
  history: { method: "GET", url: `/api/v1/setups/${target}/history` },
  restore: { method: "POST", url: `/api/v1/setups/${target}/restore`, body: { version: 1 }, ifMatch: true },
  prerequisites: { method: "GET", url: `/api/v1/setups/${target}/prerequisites` },
  impact: { method: "GET", url: `/api/v1/setups/${target}/impact` },
});
const global: Record<string, Route> = {
  me: { method: "GET", url: "/api/v1/me" },
  users: { method: "GET", url: "/api/v1/users" },
  "read policy": { method: "GET", url: "/api/v1/policy" },
  "write policy": { method: "PUT", url: "/api/v1/policy", body: {}, ifMatch: true },
  "x3 check": { method: "POST", url: "/api/v1/admin/x3-check", body: {} },
};

async function status(caller: string, route: Route): Promise<number> {
  const headers: Record<string, string> = { ...callers[caller] };
  if (route.ifMatch) headers["if-match"] = '"999"'; // stale on purpose: an allowed write ends in 412, never writes
  const res = await h.app.inject({ method: route.method, url: route.url, headers, ...(route.body ? { payload: route.body } : {}) });
  if (res.statusCode >= 400) expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  return res.statusCode;
}

describe("the authorization matrix", () => {
  it("refuses every API route without a valid token", async () => {
    for (const caller of ["anonymous", "forged"]) {
      for (const route of [...Object.values(routes(own)), ...Object.values(global)]) {
        expect({ caller, url: route.url, status: await status(caller, route) }).toEqual({ caller, url: route.url, status: 401 });
      }
    }
  });

  it("lets a user reach their own setup, and nothing of anyone else's", async () => {
    const expected: Record<string, number> = { "read setup": 200, "write setup": 412, history: 200, restore: 403, prerequisites: 200, impact: 200 };
    for (const [name, route] of Object.entries(routes(own))) {
      expect({ name, status: await status("user", route) }).toEqual({ name, status: expected[name] });
    }
    for (const target of ["LDUPONT", "ADMIN", "NOSUCH", "jsmith_"]) {
      for (const [name, route] of Object.entries(routes(target))) {
        expect({ target, name, status: await status("user", route) }).toEqual({ target, name, status: 403 });
      }
    }
    const globalExpected: Record<string, number> = { me: 200, users: 403, "read policy": 200, "write policy": 403, "x3 check": 403 };
    for (const [name, route] of Object.entries(global)) {
      expect({ name, status: await status("user", route) }).toEqual({ name, status: globalExpected[name] });
    }
  });

  it("lets an administrator reach every user's setup, and says when a user does not exist", async () => {
    const expected: Record<string, number> = { "read setup": 200, "write setup": 412, history: 200, restore: 412, prerequisites: 200, impact: 200 };
    for (const target of ["LDUPONT", "JSMITH", "ADMIN"]) {
      for (const [name, route] of Object.entries(routes(target))) {
        // Only LDUPONT has a version 1 to restore (X3's seed gives her a SYNCPAR row); the others have none.
        const want = name === "restore" && target !== "LDUPONT" ? 404 : expected[name];
        expect({ target, name, status: await status("admin", route) }).toEqual({ target, name, status: want });
      }
    }
    for (const route of Object.values(routes("NOSUCH"))) expect(await status("admin", route)).toBe(404);
    const globalExpected: Record<string, number> = { me: 200, users: 200, "read policy": 200, "write policy": 412, "x3 check": 200 };
    for (const [name, route] of Object.entries(global)) {
      expect({ name, status: await status("admin", route) }).toEqual({ name, status: globalExpected[name] });
    }
  });
});
