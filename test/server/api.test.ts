import type { SyncSetup } from "../../src/core/setup";
import { bearer, flagsWith, type Harness, startHarness } from "./harness";

let h: Harness;
let jsmith: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
  h = await startHarness();
  jsmith = bearer(await h.token("jsmith@contoso.com"));
  admin = bearer(await h.token("admin@contoso.com"));
});
afterAll(() => h.close());

function put(path: string, headers: Record<string, string>, body: unknown, contentType = "application/json") {
  return h.app.inject({
    method: "PUT",
    url: path,
    headers: { ...headers, "content-type": contentType },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("health", () => {
  it("is alive and ready when the store and X3 answer", async () => {
    expect((await h.app.inject("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await h.app.inject("/readyz");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", checks: { store: "ok", x3: "ok" } });
  });
});

describe("sign-in", () => {
  it("refuses a request without a token, with a problem and a challenge", async () => {
    const res = await h.app.inject("/api/v1/me");
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(res.json()).toMatchObject({ status: 401, code: "unauthenticated" });
  });

  it("refuses a token that is not ours", async () => {
    const forged = (await h.token("jsmith@contoso.com")).replace(/\.[^.]+$/, ".AAAA");
    for (const authorization of ["Bearer nonsense", `Bearer ${forged}`, "Basic YWRtaW46YWRtaW4="]) {
      const res = await h.app.inject({ url: "/api/v1/me", headers: { authorization } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("unauthenticated");
    }
  });

  it("gives development tokens only for an e-mail address", async () => {
    const bad = await h.app.inject({ method: "POST", url: "/api/v1/dev/token", payload: { email: "not-an-address" } });
    expect(bad.statusCode).toBe(400);
    const good = await h.app.inject({ method: "POST", url: "/api/v1/dev/token", payload: { email: "jsmith@contoso.com" } });
    expect(good.json()).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    const me = await h.app.inject({ url: "/api/v1/me", headers: bearer(good.json().access_token) });
    expect(me.statusCode).toBe(200);
  });

  it("maps the mailbox to its X3 user whatever the case of the address", async () => {
    const res = await h.app.inject({ url: "/api/v1/me", headers: bearer(await h.token("JSmith@Contoso.com")) });
    expect(res.json()).toEqual({
      user: { code: "JSMITH", name: "John Smith", email: "jsmith@contoso.com", language: expect.any(String) },
      administrator: false,
      development: true,
      prerequisites: {
        salesFunction: "1",
        salesRep: "REP01",
        folderSync: true,
        entities: { contact: true, task: true, call: true, appointment: true },
        problems: [],
      },
    });
  });

  it("says plainly when no X3 user has the mailbox's address", async () => {
    const res = await h.app.inject({ url: "/api/v1/me", headers: bearer(await h.token("nobody@contoso.com")) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: "no-x3-user", detail: expect.stringContaining("nobody@contoso.com") });
  });

  it("knows the administrator", async () => {
    const res = await h.app.inject({ url: "/api/v1/me", headers: admin });
    expect(res.json()).toMatchObject({ user: { code: "ADMIN" }, administrator: true });
  });

  it("lists the demo users for the browser preview", async () => {
    const res = await h.app.inject("/api/v1/dev/users");
    expect(res.json().users.map((u: { code: string }) => u.code).sort()).toEqual(["ADMIN", "JSMITH", "LDUPONT", "MCLARK"]);
  });
});

describe("a user's setup", () => {
  it("starts from the defaults at version 0 when neither the store nor X3 has one", async () => {
    const res = await h.app.inject({ url: "/api/v1/setups/JSMITH", headers: jsmith });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"0"');
    const setup = res.json() as SyncSetup;
    expect(setup).toMatchObject({ userCode: "JSMITH", version: 0, source: "default", delivery: { state: "none" } });
    // X3 answered and has no row: the pane says X3 has no setup yet, and offers to save these defaults.
    expect(setup.x3).toEqual({ confirmed: false, lastConfirmedAt: null, missing: true });
    expect(Object.keys(setup.flags)).toHaveLength(23);
    expect(Object.values(setup.flags).every((v) => v === false)).toBe(true);
  });

  it("requires If-Match to write", async () => {
    const res = await put("/api/v1/setups/JSMITH", jsmith, { flags: flagsWith({}) });
    expect(res.statusCode).toBe(428);
    expect(res.json().code).toBe("if-match-required");
  });

  it("answers each kind of If-Match for what it is, and writes nothing for any of them", async () => {
    // ADMIN's own: the other tests of this file start from JSMITH having nothing stored, and MCLARK as X3 seeds it.
    const read = await h.app.inject({ url: "/api/v1/setups/ADMIN", headers: admin });
    const first = await put("/api/v1/setups/ADMIN", { ...admin, "if-match": read.headers.etag as string }, { flags: flagsWith({ COROTKCRE: true }) });
    expect(first.statusCode).toBe(200);
    const v = (first.json() as SyncSetup).version;
    const attempt = (ifMatch: string) => put("/api/v1/setups/ADMIN", { ...admin, "if-match": ifMatch }, { flags: flagsWith({ TSKADXCRE: true }) });

    // Not an entity tag of ours: the client's mistake, named with the form expected.
    for (const bad of ["banana", '"banana"', "1", '"1", "2"', '"99999999999"']) {
      const res = await attempt(bad);
      expect([bad, res.statusCode, res.json().code]).toEqual([bad, 400, "invalid-request"]);
      expect(res.json().detail).toMatch(/version number in double quotes, e\.g\. "3"/);
    }
    // "Any version" is never accepted: a write names the version it was made from.
    const any = await attempt("*");
    expect([any.statusCode, any.json().code]).toEqual([428, "if-match-required"]);
    expect(any.json().detail).toMatch(/If-Match: \* is not accepted/);
    // A weak tag never matches under If-Match's strong comparison, even the current version's: 412, said so.
    const weak = await attempt(`W/"${v}"`);
    expect([weak.statusCode, weak.json().code]).toEqual([412, "version-mismatch"]);
    expect(weak.json().detail).toBe(`The setup is at version ${v}; a weak ETag (W/"…") never matches If-Match, which compares strongly: send "${v}".`);
    expect(weak.json().detail).not.toMatch(/-1/);
    expect(weak.json().current).toMatchObject({ version: v });

    expect(await h.store.get("ADMIN")).toMatchObject({ version: v, flags: { TSKADXCRE: false } });
  });

  it("refuses bad bodies with 400, 413 or 415 and writes nothing", async () => {
    const h0 = { ...jsmith, "if-match": '"0"' };
    const cases: [unknown, number, string][] = [
      [{ flags: { ...flagsWith({}), NOPE: true } }, 400, "invalid-request"],
      [{ flags: { ...flagsWith({}), CLLADXCRE: true } }, 400, "invalid-request"],
      [{ flags: { ...flagsWith({}), COROTKCRE: "yes" } }, 400, "invalid-request"],
      [{ flags: flagsWith({}), extra: 1 }, 400, "invalid-request"],
      [{ flags: { COROTKCRE: true } }, 400, "invalid-request"],
      ["{not json", 400, "malformed-json"],
      ["", 400, "malformed-json"],
      [JSON.stringify({ flags: flagsWith({}), pad: "x".repeat(17 * 1024) }), 413, "body-too-large"],
    ];
    for (const [body, status, code] of cases) {
      const res = await put("/api/v1/setups/JSMITH", h0, body);
      expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
    const text = await put("/api/v1/setups/JSMITH", h0, JSON.stringify({ flags: flagsWith({}) }), "text/plain");
    expect(text.statusCode).toBe(415);
    const unknown = await put("/api/v1/setups/JSMITH", h0, { flags: { ...flagsWith({}), NOPE: true } });
    expect(unknown.json().errors).toEqual([expect.objectContaining({ message: expect.stringContaining("NOPE") })]);

    expect(await h.store.get("JSMITH")).toBeNull();
    expect(h.syncpar("JSMITH")).toBeUndefined();
  });

  it("saves with the right version, delivers to X3's SYNCPAR, and refuses a stale version with the current state", async () => {
    const res = await put("/api/v1/setups/JSMITH", { ...jsmith, "if-match": '"0"' }, { flags: flagsWith({ COROTKCRE: true }) });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.json()).toMatchObject({
      version: 1,
      flags: { COROTKCRE: true, CORADXCRE: false },
      source: "pane",
      updatedBy: "jsmith@contoso.com",
      delivery: { state: "delivered", version: 1 },
    });
    expect(h.syncpar("JSMITH")).toMatchObject({ COROTKCRE: 2, CORADXCRE: 1, CLLADXCRE: 1 });

    const stale = await put("/api/v1/setups/JSMITH", { ...jsmith, "if-match": '"0"' }, { flags: flagsWith({ TSKADXCRE: true }) });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: "version-mismatch", current: { version: 1, flags: { COROTKCRE: true } } });
    expect(h.syncpar("JSMITH")).toMatchObject({ COROTKCRE: 2, TSKADXCRE: 1 });

    const again = await h.app.inject({ url: "/api/v1/setups/jsmith", headers: jsmith });
    expect(again.json()).toMatchObject({ userCode: "JSMITH", version: 1, flags: { COROTKCRE: true } });
  });

  it("starts from X3's SYNCPAR row when X3 has one (someone used GESSYP)", async () => {
    const row = await h.gateway.writeSyncpar("MCLARK", flagsWith({ BAPOTKCRE: true, BAPADXCRE: true }));
    expect(row.flags.BAPOTKCRE).toBe(true);
    const res = await h.app.inject({ url: "/api/v1/setups/MCLARK", headers: admin });
    expect(res.json()).toMatchObject({ version: 1, source: "x3", updatedBy: "X3", flags: { BAPOTKCRE: true, BAPADXCRE: true, COROTKCRE: false }, delivery: { state: "delivered" } });
  });
});

describe("who may read and write which setup", () => {
  it("keeps a user to their own setup, without telling whether another exists", async () => {
    for (const target of ["LDUPONT", "NOSUCH", "../x", "ADMIN"]) {
      const get = await h.app.inject({ url: `/api/v1/setups/${encodeURIComponent(target)}`, headers: jsmith });
      expect({ target, status: get.statusCode, code: get.json().code }).toEqual({ target, status: 403, code: "forbidden" });
      const write = await put(`/api/v1/setups/${encodeURIComponent(target)}`, { ...jsmith, "if-match": '"0"' }, { flags: flagsWith({}) });
      expect(write.statusCode).toBe(403);
    }
    expect(await h.store.get("LDUPONT")).toBeNull();
  });

  it("lets the administrator read and write any existing user's setup", async () => {
    const read = await h.app.inject({ url: "/api/v1/setups/LDUPONT", headers: admin });
    expect(read.statusCode).toBe(200);
    const write = await put("/api/v1/setups/LDUPONT", { ...admin, "if-match": read.headers.etag as string }, { flags: flagsWith({ TSKOTKCRE: true }) });
    expect(write.statusCode).toBe(200);
    expect(write.json()).toMatchObject({ userCode: "LDUPONT", updatedBy: "admin@contoso.com", delivery: { state: "delivered" } });
    expect(h.syncpar("LDUPONT")).toMatchObject({ TSKOTKCRE: 2 });
    const missing = await h.app.inject({ url: "/api/v1/setups/NOSUCH", headers: admin });
    expect(missing.statusCode).toBe(404);
  });
});

describe("anything else", () => {
  it("answers unknown routes with a problem, and never a stack trace", async () => {
    const res = await h.app.inject("/api/v1/nothing-here");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: "not-found" });
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it("sends the security headers", async () => {
    const res = await h.app.inject("/healthz");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'self' https://outlook.office.com");
    expect(res.headers["content-security-policy"]).toContain("script-src 'self' https://appsforoffice.microsoft.com");
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBeUndefined();
  });
});

describe("rate limits", () => {
  it("hold per signed-in user, without starving other users behind the same address", async () => {
    const limited = await startHarness({ userRateLimitPerMinute: 5, rateLimitPerMinute: 100 });
    try {
      const a = bearer(await limited.token("jsmith@contoso.com"));
      const b = bearer(await limited.token("ldupont@contoso.com"));
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await limited.app.inject({ url: "/api/v1/me", headers: a })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const refused = await limited.app.inject({ url: "/api/v1/me", headers: a });
      expect(refused.headers["content-type"]).toMatch(/problem\+json/);
      expect(refused.json().code).toBe("rate-limited");
      expect((await limited.app.inject({ url: "/api/v1/me", headers: b })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("hold per address before sign-in", async () => {
    const limited = await startHarness({ rateLimitPerMinute: 3 });
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.app.inject({ url: "/api/v1/me", headers: { authorization: "Bearer nonsense" } })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
