import { retryDelayMs } from "../../src/server/outbox";
import { bearer, flagsWith, type Harness, startHarness } from "./harness";

describe("retry delays", () => {
  const o = { baseDelayMs: 1000, maxDelayMs: 60_000 };

  it("grow exponentially, stay within [half, full] of the step, and stop at the cap", () => {
    for (const attempts of [0, 1, 2, 5]) {
      const step = Math.min(60_000, 1000 * 2 ** attempts);
      expect(retryDelayMs(attempts, { ...o, random: () => 0 })).toBe(step / 2);
      expect(retryDelayMs(attempts, { ...o, random: () => 1 })).toBe(step);
    }
    expect(retryDelayMs(50, { ...o, random: () => 1 })).toBe(60_000);
  });
});

describe("delivery to X3 when X3 misbehaves", () => {
  let h: Harness;
  let auth: Record<string, string>;

  beforeEach(async () => {
    h = await startHarness();
    auth = bearer(await h.token("jsmith@contoso.com"));
    // Signed in while X3 answered: the mailbox → X3 user mapping is known before X3 misbehaves.
    expect((await h.app.inject({ url: "/api/v1/me", headers: auth })).statusCode).toBe(200);
  });
  afterEach(() => h.close());

  const save = async (version: number, flags: ReturnType<typeof flagsWith>) =>
    h.app.inject({
      method: "PUT",
      url: "/api/v1/setups/JSMITH",
      headers: { ...auth, "if-match": `"${version}"` },
      payload: { flags },
    });

  async function until(check: () => Promise<boolean>, ms = 8000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error("condition not met in time");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it("refuses a first save while X3 cannot be read (X3's row is its starting point)", async () => {
    h.emulator.app.x3Emulator.faults.set({ kind: "unavailable", count: null });
    const res = await save(0, flagsWith({ COROTKCRE: true }));
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("x3-unavailable");
    expect(await h.store.get("JSMITH")).toBeNull();
  });

  it("keeps every save while X3 is down, then brings SYNCPAR to the last one, without a tight retry loop", async () => {
    const emu = h.emulator.app.x3Emulator;
    expect((await save(0, flagsWith({ CORADXCRE: true }))).json().delivery.state).toBe("delivered");
    emu.faults.set({ kind: "unavailable", count: null });

    const first = await save(1, flagsWith({ COROTKCRE: true }));
    expect(first.statusCode).toBe(200);
    expect(first.json().delivery).toMatchObject({ state: "pending", version: 2, message: expect.any(String) });
    await save(2, flagsWith({ COROTKCRE: true, TSKOTKCRE: true }));
    const third = await save(3, flagsWith({ COROTKCRE: true, TSKOTKCRE: true, BAPADXDLT: true }));
    expect(third.json()).toMatchObject({ version: 4, delivery: { state: "pending", version: 4 } });
    expect(h.syncpar("JSMITH")).toMatchObject({ CORADXCRE: 2, COROTKCRE: 1 });

    h.app.outbox.start();
    const before = emu.requests.total;
    await new Promise((r) => setTimeout(r, 600));
    // Backoff from 20 ms doubling to a 200 ms cap: a handful of attempts in 600 ms, not hundreds.
    const attemptsWhileDown = emu.requests.total - before;
    expect(attemptsWhileDown).toBeLessThan(40);

    emu.faults.clear();
    await until(async () => (await h.store.delivery("JSMITH")).state === "delivered");
    expect(await h.store.delivery("JSMITH")).toMatchObject({ state: "delivered", version: 4 });
    expect(h.syncpar("JSMITH")).toMatchObject({ COROTKCRE: 2, TSKOTKCRE: 2, BAPADXDLT: 2, CORADXCRE: 1 });

    const got = await h.app.inject({ url: "/api/v1/setups/JSMITH", headers: auth });
    expect(got.json()).toMatchObject({ version: 4, delivery: { state: "delivered", version: 4 }, x3: { confirmed: true } });
  });

  it("stops on X3's refusal and says why, without retrying it", async () => {
    const emu = h.emulator.app.x3Emulator;
    expect((await save(0, flagsWith({ CORADXCRE: true }))).json().delivery.state).toBe("delivered");
    emu.faults.set({ kind: "diagnoses", count: null, message: "Function GESSYP is locked by another user" });
    const res = await save(1, flagsWith({ CORADXDLT: true }));
    expect(res.json().delivery).toMatchObject({ state: "failed", message: expect.stringContaining("GESSYP is locked") });

    h.app.outbox.start();
    const before = emu.requests.total;
    await new Promise((r) => setTimeout(r, 300));
    expect(emu.requests.total).toBe(before);

    emu.faults.clear();
    // The next save is delivered normally.
    const next = await save(2, flagsWith({ CORADXDLT: false, CORADXUPD: true }));
    expect(next.json().delivery).toMatchObject({ state: "delivered", version: 3 });
    expect(h.syncpar("JSMITH")).toMatchObject({ CORADXDLT: 1, CORADXUPD: 2 });
  });

  it("answers a save quickly while X3 is slow, and delivers it afterwards", async () => {
    const emu = h.emulator.app.x3Emulator;
    expect((await save(0, flagsWith({ TSKADXUPD: true }))).json().delivery.state).toBe("delivered");
    emu.faults.set({ kind: "latency", count: null, ms: 5000 });
    const started = Date.now();
    const res = await save(1, flagsWith({ TSKADXUPD: true, TSKADXCRE: true }));
    expect(res.statusCode).toBe(200);
    // Bounded by the gateway's 1.5 s response timeout and the 2 s delivery budget, not by X3's 5 s answer.
    expect(Date.now() - started).toBeLessThan(4500);
    expect(res.json().delivery).toMatchObject({ state: "pending", version: 2 });
    emu.faults.clear();
    h.app.outbox.start();
    await until(async () => (await h.store.delivery("JSMITH")).state === "delivered");
    expect(h.syncpar("JSMITH")).toMatchObject({ TSKADXUPD: 2, TSKADXCRE: 2 });
  });

  it("retries after X3 resets the connection, and delivers", async () => {
    const emu = h.emulator.app.x3Emulator;
    expect((await save(0, flagsWith({ CORADXCRE: true }))).json().delivery.state).toBe("delivered");
    // Every request X3 gets is reset, until a few have been (the gateway retries reads itself).
    emu.faults.set({ kind: "reset", count: 6 });
    const res = await save(1, flagsWith({ CORADXCRE: true, CLLOTKCRE: true }));
    expect(res.statusCode).toBe(200);
    h.app.outbox.start();
    await until(async () => (await h.store.delivery("JSMITH")).state === "delivered");
    expect(h.syncpar("JSMITH")).toMatchObject({ CLLOTKCRE: 2 });
    expect(emu.faults.current().remaining ?? 0).toBe(0);
  });

  it("keeps the history of every accepted version", async () => {
    await save(0, flagsWith({ COROTKCRE: true }));
    await save(1, flagsWith({ COROTKCRE: false, COROTKUPD: true }));
    const rows = await h.database.db.selectFrom("history").selectAll().where("user_code", "=", "JSMITH").orderBy("version").execute();
    expect(rows.map((r) => [r.version, r.source, r.actor, JSON.parse(r.changes)])).toEqual([
      [1, "pane", "jsmith@contoso.com", [{ code: "COROTKCRE", from: false, to: true }]],
      [2, "pane", "jsmith@contoso.com", [
        { code: "COROTKCRE", from: true, to: false },
        { code: "COROTKUPD", from: false, to: true },
      ]],
    ]);
  });
});
