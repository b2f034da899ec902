/**
 * What the server offers beyond reading and saving: X3's truth (GESSYP edits), prerequisites, the user
 * picker, history and restore, company policy, the impact preview and the X3 connection test.
 */
import type { SyncSetup } from "../../src/core/setup";
import { bearer, flagsWith, type Harness, startHarness } from "./harness";

let h: Harness;
let jsmith: Record<string, string>;
let admin: Record<string, string>;

beforeEach(async () => {
  h = await startHarness();
  jsmith = bearer(await h.token("jsmith@contoso.com"));
  admin = bearer(await h.token("admin@contoso.com"));
});
afterEach(() => h.close());

const get = (url: string, headers: Record<string, string>) => h.app.inject({ url, headers });
const send = (method: "PUT" | "POST", url: string, headers: Record<string, string>, body: unknown) =>
  h.app.inject({ method, url, headers: { ...headers, "content-type": "application/json" }, payload: JSON.stringify(body) });
const saveAs = (headers: Record<string, string>, user: string, version: number, changes: Parameters<typeof flagsWith>[0]) =>
  send("PUT", `/api/v1/setups/${user}`, { ...headers, "if-match": `"${version}"` }, { flags: flagsWith(changes) });

describe("X3's truth", () => {
  it("takes an edit made in X3 (GESSYP) as a new version, with its history entry", async () => {
    expect((await saveAs(jsmith, "JSMITH", 0, { COROTKCRE: true })).json().delivery.state).toBe("delivered");
    // An X3 user edits SYNCPAR directly.
    const row = h.emulator.app.x3Emulator.store.get("SYNCPAR", "JSMITH")!;
    h.emulator.app.x3Emulator.store.put("SYNCPAR", { ...row.values, TSKADXDLT: 2 }, "ADMIN");

    const res = await get("/api/v1/setups/JSMITH", jsmith);
    expect(res.json()).toMatchObject({ version: 2, source: "x3", updatedBy: "X3", flags: { COROTKCRE: true, TSKADXDLT: true }, x3: { confirmed: true } });
    const history = await get("/api/v1/setups/JSMITH/history", jsmith);
    expect(history.json().items[0]).toMatchObject({ version: 2, source: "x3", actor: "X3", changes: [{ code: "TSKADXDLT", from: false, to: true }] });
  });

  it("shows the stored setup as not confirmed by X3 while X3 cannot be reached, with since when", async () => {
    await get("/api/v1/me", jsmith); // signed in while X3 answered
    const saved = (await saveAs(jsmith, "JSMITH", 0, { BAPOTKCRE: true })).json() as SyncSetup;
    expect(saved.x3).toMatchObject({ confirmed: true, lastConfirmedAt: expect.any(String) });
    h.emulator.app.x3Emulator.faults.set({ kind: "unavailable", count: null });
    const res = await get("/api/v1/setups/JSMITH", jsmith);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 1, flags: { BAPOTKCRE: true }, x3: { confirmed: false, lastConfirmedAt: saved.x3.lastConfirmedAt } });
  });

  it("does not take X3's row over a change still on its way to X3", async () => {
    await saveAs(jsmith, "JSMITH", 0, { COROTKCRE: true });
    h.emulator.app.x3Emulator.faults.set({ kind: "unavailable", count: 4 });
    const res = await saveAs(jsmith, "JSMITH", 1, { CORADXCRE: true });
    expect(res.json().delivery.state).toBe("pending");
    h.emulator.app.x3Emulator.faults.clear();
    const again = await get("/api/v1/setups/JSMITH", jsmith);
    expect(again.json()).toMatchObject({ version: 2, flags: { CORADXCRE: true }, source: "pane" });
  });
});

describe("prerequisites", () => {
  it("tells each demo user what X3 still needs", async () => {
    const problems = async (email: string) =>
      ((await get("/api/v1/me", bearer(await h.token(email)))).json().prerequisites.problems as { code: string; parameter?: string }[]);
    expect(await problems("jsmith@contoso.com")).toEqual([]);
    expect(await problems("ldupont@contoso.com")).toEqual([{ code: "no-sales-rep", parameter: "AUSCRMF" }]);
    expect(await problems("mclark@contoso.com")).toEqual([
      { code: "not-a-sales-position", parameter: "AUSCRMA" },
      { code: "no-sales-rep", parameter: "AUSCRMF" },
    ]);
    const lea = await get("/api/v1/setups/LDUPONT/prerequisites", admin);
    expect(lea.json()).toMatchObject({ salesFunction: "1", salesRep: null });
    expect((await get("/api/v1/setups/LDUPONT/prerequisites", jsmith)).statusCode).toBe(403);
  });

  it("names a folder switch that is off", async () => {
    h.emulator.app.x3Emulator.store.put("ADOVAL", { ...h.emulator.app.x3Emulator.store.get("ADOVAL", "~~CRMSYNCBAP")!.values, VALEUR: "1" }, "ADMIN");
    const res = await get("/api/v1/me", jsmith);
    expect(res.json().prerequisites).toMatchObject({ entities: { appointment: false, task: true }, problems: [{ code: "entity-off", entity: "appointment", parameter: "CRMSYNCBAP" }] });
  });
});

describe("the user picker", () => {
  it("lets administrators search X3 users by code, name or e-mail, paged", async () => {
    const byName = await get("/api/v1/users?search=lea", admin);
    expect(byName.json()).toMatchObject({ total: 1, items: [{ code: "LDUPONT", name: "Léa Dupont" }], page: 1, pageSize: 20 });
    const byMail = await get("/api/v1/users?search=MCLARK%40", admin);
    expect(byMail.json().items.map((u: { code: string }) => u.code)).toEqual(["MCLARK"]);
    const paged = await get("/api/v1/users?pageSize=2&page=2", admin);
    expect(paged.json()).toMatchObject({ total: 4, page: 2, pageSize: 2 });
    expect(paged.json().items).toHaveLength(2);
    expect((await get("/api/v1/users?pageSize=1000", admin)).statusCode).toBe(400);
  });

  it("is for administrators only", async () => {
    const res = await get("/api/v1/users?search=a", jsmith);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("forbidden");
  });
});

describe("history and restore", () => {
  it("pages the history newest first and lets an administrator go back to an entry", async () => {
    await saveAs(jsmith, "JSMITH", 0, { COROTKCRE: true });
    await saveAs(jsmith, "JSMITH", 1, { COROTKCRE: true, TSKOTKCRE: true });
    await saveAs(jsmith, "JSMITH", 2, {});
    const page1 = await get("/api/v1/setups/JSMITH/history?pageSize=2", jsmith);
    expect(page1.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.json().items.map((e: { version: number }) => e.version)).toEqual([3, 2]);

    expect((await send("POST", "/api/v1/setups/JSMITH/restore", { ...jsmith, "if-match": '"3"' }, { version: 2 })).statusCode).toBe(403);
    expect((await send("POST", "/api/v1/setups/JSMITH/restore", admin, { version: 2 })).statusCode).toBe(428);
    const restored = await send("POST", "/api/v1/setups/JSMITH/restore", { ...admin, "if-match": '"3"' }, { version: 2 });
    expect(restored.json()).toMatchObject({ version: 4, source: "restore", updatedBy: "admin@contoso.com", flags: { COROTKCRE: true, TSKOTKCRE: true } });
    expect(h.syncpar("JSMITH")).toMatchObject({ COROTKCRE: 2, TSKOTKCRE: 2 });
    expect((await send("POST", "/api/v1/setups/JSMITH/restore", { ...admin, "if-match": '"4"' }, { version: 99 })).statusCode).toBe(404);
    expect((await get("/api/v1/setups/LDUPONT/history", jsmith)).statusCode).toBe(403);
  });
});

describe("company policy", () => {
  const policy = {
    defaults: { COROTKCRE: true, BAPOTKCRE: true },
    locks: { CORADXDLT: { value: false, reason: "Contacts are never deleted in X3 from Outlook (IT policy 12)." } },
  };

  it("is set by administrators, forces its locks on stored setups, and starts new users from its defaults", async () => {
    await saveAs(jsmith, "JSMITH", 0, { CORADXDLT: true, TSKOTKCRE: true });
    expect((await send("PUT", "/api/v1/policy", { ...jsmith, "if-match": '"0"' }, policy)).statusCode).toBe(403);
    const put = await send("PUT", "/api/v1/policy", { ...admin, "if-match": '"0"' }, policy);
    expect(put.statusCode).toBe(200);
    expect(put.headers.etag).toBe('"1"');
    expect((await send("PUT", "/api/v1/policy", { ...admin, "if-match": '"0"' }, policy)).statusCode).toBe(412);

    const js = (await get("/api/v1/setups/JSMITH", jsmith)).json() as SyncSetup;
    expect(js).toMatchObject({ version: 2, source: "policy", flags: { CORADXDLT: false, TSKOTKCRE: true } });
    expect(js.locks).toEqual({ CORADXDLT: policy.locks.CORADXDLT });
    await h.app.outbox.sweep();
    expect(h.syncpar("JSMITH")).toMatchObject({ CORADXDLT: 1, TSKOTKCRE: 2 });

    const locked = await saveAs(jsmith, "JSMITH", 2, { CORADXDLT: true });
    expect(locked.statusCode).toBe(409);
    expect(locked.json()).toMatchObject({ code: "flag-locked", errors: [{ path: "flags.CORADXDLT", message: policy.locks.CORADXDLT.reason }] });

    // A new user (no row in the store or X3) starts from the defaults.
    await h.app.inject({ url: "/api/v1/me", headers: admin });
    const adminSetup = (await get("/api/v1/setups/ADMIN", admin)).json() as SyncSetup;
    expect(adminSetup).toMatchObject({ version: 0, source: "default", flags: { COROTKCRE: true, BAPOTKCRE: true, CORADXDLT: false } });

    expect((await get("/api/v1/policy", jsmith)).json()).toEqual({ policy, version: 1 });
  });

  it("refuses a policy with unknown codes or without a reason", async () => {
    for (const bad of [{ defaults: { NOPE: true } }, { locks: { COROTKCRE: { value: true, reason: "" } } }, { locks: { COROTKCRE: { value: "yes", reason: "x" } } }]) {
      const res = await send("PUT", "/api/v1/policy", { ...admin, "if-match": '"0"' }, bad);
      expect(res.statusCode).toBe(400);
    }
  });
});

describe("impact preview", () => {
  it("counts X3's pending changes per entity and action from SYNCDATA", async () => {
    const res = await get("/api/v1/setups/JSMITH/impact", jsmith);
    expect(res.json()).toMatchObject({
      userCode: "JSMITH",
      pending: {
        contact: { create: 1, update: 1, delete: 0 },
        task: { create: 0, update: 2, delete: 0 },
        call: { create: 0, update: 0, delete: 1 },
        appointment: { create: 1, update: 1, delete: 0 },
      },
    });
    h.emulator.app.x3Emulator.faults.set({ kind: "unavailable", count: null });
    expect((await get("/api/v1/setups/JSMITH/impact", jsmith)).json().code).toBe("x3-unavailable");
  });
});

describe("the X3 connection test", () => {
  it("reports each step for administrators", async () => {
    const res = await send("POST", "/api/v1/admin/x3-check", admin, {});
    expect(res.json()).toMatchObject({ ok: true, steps: expect.arrayContaining([{ id: "auth", ok: true, detail: expect.any(String), fix: null }]) });
    expect(res.json().steps.map((s: { id: string }) => s.id)).toEqual([
      "reach", "tls", "auth", "class:SYNCPAR", "class:AUTILIS", "class:ADOVALAUS", "class:ADOVAL", "class:SYNCDATA",
    ]);
    expect((await send("POST", "/api/v1/admin/x3-check", jsmith, {})).statusCode).toBe(403);
  });
});

describe("the policy file IT provides", () => {
  it("is applied at start, and a file that is not a policy stops the start with a reason", async () => {
    const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(join(tmpdir(), "policy-"));
    try {
      const file = join(dir, "policy.json");
      await writeFile(file, JSON.stringify({ locks: { BAPADXDLT: { value: false, reason: "Never delete X3 appointments." } } }));
      const withFile = await startHarness({}, { POLICY_FILE: file });
      try {
        const res = await withFile.app.inject({ url: "/api/v1/policy", headers: bearer(await withFile.token("jsmith@contoso.com")) });
        expect(res.json()).toMatchObject({ version: 1, policy: { locks: { BAPADXDLT: { value: false } } } });
      } finally {
        await withFile.close();
      }
      await writeFile(file, JSON.stringify({ locks: { BAPADXDLT: { value: false } } }));
      await expect(startHarness({}, { POLICY_FILE: file })).rejects.toThrow(/POLICY_FILE .* is not a valid policy: locks.BAPADXDLT.reason/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a setup X3 lost", () => {
  it("is shown as missing in X3 when its SYNCPAR row was removed there, and saving writes it again", async () => {
    expect((await saveAs(jsmith, "JSMITH", 0, { COROTKCRE: true })).json().x3).toMatchObject({ confirmed: true, missing: false });
    // An X3 user deletes the row in GESSYP.
    expect(h.emulator.app.x3Emulator.store.delete("SYNCPAR", "JSMITH")).toBe(true);

    const read = await get("/api/v1/setups/JSMITH", jsmith);
    expect(read.json()).toMatchObject({ version: 1, flags: { COROTKCRE: true }, x3: { confirmed: false, missing: true } });

    const again = await saveAs(jsmith, "JSMITH", 1, { COROTKCRE: true });
    expect(again.json()).toMatchObject({ version: 2, delivery: { state: "delivered" }, x3: { confirmed: true, missing: false } });
    expect(h.syncpar("JSMITH")).toMatchObject({ COROTKCRE: 2 });
  });
});
