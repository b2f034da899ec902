import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import pino from "pino";
import { outboxLeaseMs } from "../../src/server/app";
import { isDeadLocalOwner, OutboxWorker, retryDelayMs } from "../../src/server/outbox";
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

describe("the delivery lease", () => {
  it("outlasts X3's slowest write by a minute, is never under 5 minutes, and an operator's setting wins", () => {
    expect(outboxLeaseMs(undefined, 212_000)).toBe(300_000);
    expect(outboxLeaseMs(undefined, 400_000)).toBe(460_000);
    expect(outboxLeaseMs(undefined, undefined)).toBe(300_000);
    expect(outboxLeaseMs(3_000, 400_000)).toBe(3_000);
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

describe("a backlog bigger than a sweep's batch", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const USERS = ["ADMIN", "JSMITH", "LDUPONT", "MCLARK"];

  async function queueAll(): Promise<void> {
    for (const userCode of USERS) {
      const current = await h.store.get(userCode);
      const result = await h.store.save({
        userCode,
        flags: flagsWith({ TSKOTKUPD: true }),
        expectedVersion: current?.version ?? 0,
        baseline: flagsWith({}),
        actor: "test@contoso.com",
        source: "pane",
        deliver: true,
      });
      expect(result.ok).toBe(true);
    }
  }

  /** A worker that sweeps 2 users at a time and would wait a minute between sweeps. */
  const slowPollingWorker = (options: Partial<ConstructorParameters<typeof OutboxWorker>[3]> = {}) =>
    new OutboxWorker(h.store, h.gateway, h.app.log, { pollMs: 60_000, batch: 2, concurrency: 1, ...options });

  it("is worked through batch after batch without waiting for the poll interval", async () => {
    await queueAll();
    const worker = slowPollingWorker();
    worker.start();
    try {
      const end = Date.now() + 10_000;
      while ((await Promise.all(USERS.map((u) => h.store.delivery(u)))).some((d) => d.state !== "delivered")) {
        if (Date.now() > end) throw new Error("the backlog was not delivered before the next poll");
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await worker.stop();
    }
    for (const u of USERS) expect(h.syncpar(u)).toMatchObject({ TSKOTKUPD: 2 });
  }, 20_000);

  it("is not swept again at once while X3 is down: each user is tried once, then waits for its retry", async () => {
    await queueAll();
    const emu = h.emulator.app.x3Emulator;
    emu.faults.set({ kind: "unavailable", count: null });
    const before = emu.requests.total;
    const sweeps = jest.spyOn(h.store, "dueUsers");
    const worker = slowPollingWorker({ baseDelayMs: 60_000, maxDelayMs: 60_000 });
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 800));
    } finally {
      await worker.stop();
    }
    // One read per user (the gateway does not retry here), then nothing until the retries fall due; two
    // full sweeps and a third that finds nothing due, then the poll's wait (no loop over the database).
    expect(emu.requests.total - before).toBe(USERS.length);
    expect(sweeps).toHaveBeenCalledTimes(3);
    for (const u of USERS) expect(await h.store.delivery(u)).toMatchObject({ state: "pending", message: expect.any(String) });
  });
});

describe("leases of a worker that died", () => {
  let h: Harness;
  afterEach(() => h?.close());

  /** The pid of a process that has run and exited: certainly not running now. */
  function exitedPid(): number {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(child.stdout);
  }

  it("tells a dead local owner from a live one, and never judges another host's", () => {
    const live = new Set([`${hostname()}:${process.pid}:alive`]);
    const dead = exitedPid();
    expect(isDeadLocalOwner(`${hostname()}:${dead}:abcd1234`, hostname(), process.pid, live)).toBe(true);
    // This pid under a worker id it does not run: an earlier life of the same pid (a container's pid 1).
    expect(isDeadLocalOwner(`${hostname()}:${process.pid}:earlier`, hostname(), process.pid, live)).toBe(true);
    expect(isDeadLocalOwner(`${hostname()}:${process.pid}:alive`, hostname(), process.pid, live)).toBe(false);
    expect(isDeadLocalOwner(`${hostname()}:${process.ppid}:parent00`, hostname(), process.pid, live)).toBe(false);
    expect(isDeadLocalOwner(`another-host:${dead}:abcd1234`, hostname(), process.pid, live)).toBe(false);
    expect(isDeadLocalOwner("garbage", hostname(), process.pid, live)).toBe(false);
  });

  it("a starting worker takes back the users a dead worker of this host had leased, and leaves a live one's alone", async () => {
    h = await startHarness();
    await h.app.outbox.stop();
    const save = (userCode: string) =>
      h.store.save({ userCode, flags: flagsWith({ COROTKCRE: true }), expectedVersion: 0, baseline: flagsWith({}), actor: "test", source: "pane", deliver: true });
    await save("JSMITH");
    await save("LDUPONT");
    const deadOwner = `${hostname()}:${exitedPid()}:deadbeef`;
    const otherHost = `another-host:${process.pid}:cafe0000`;
    expect(await h.store.claimDue("JSMITH", deadOwner, 300_000)).not.toBeNull();
    expect(await h.store.claimDue("LDUPONT", otherHost, 300_000)).not.toBeNull();

    const worker = new OutboxWorker(h.store, h.gateway, pino({ level: "silent" }), { pollMs: 50, leaseMs: 300_000 });
    worker.start();
    try {
      const end = Date.now() + 8000;
      while ((await h.store.get("JSMITH"))?.x3ConfirmedAt == null && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
      expect((await h.store.get("JSMITH"))?.x3ConfirmedAt).not.toBeNull();
      expect(h.syncpar("JSMITH")).toMatchObject({ COROTKCRE: 2 });
      // Another host's lease runs out on its own: nothing here can tell whether that worker lives.
      expect(await h.store.leaseOwners()).toEqual([otherHost]);
      expect((await h.store.get("LDUPONT"))?.x3ConfirmedAt).toBeNull();
    } finally {
      await worker.stop();
    }
  });
});

describe("X3's small pool", () => {
  let h: Harness;
  afterEach(() => h?.close());

  it("a save does not add a write to X3 beyond the worker's lanes: it answers at once and the sweep delivers it", async () => {
    h = await startHarness();
    await h.app.outbox.stop();
    let inX3 = 0;
    let most = 0;
    const written: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const x3 = {
      ...h.gateway,
      readSyncpar: (code: string) => h.gateway.readSyncpar(code),
      async writeSyncpar(code: string, flags: Parameters<typeof h.gateway.writeSyncpar>[1]) {
        most = Math.max(most, ++inX3);
        try {
          await gate;
          written.push(code);
          return await h.gateway.writeSyncpar(code, flags);
        } finally {
          inX3--;
        }
      },
    } as unknown as typeof h.gateway;
    const worker = new OutboxWorker(h.store, x3, pino({ level: "silent" }), { concurrency: 1, pollMs: 50 });
    for (const userCode of ["JSMITH", "LDUPONT"]) {
      await h.store.save({ userCode, flags: flagsWith({ CORADXCRE: true }), expectedVersion: 0, baseline: flagsWith({}), actor: "test", source: "pane", deliver: true });
    }
    try {
      const first = worker.deliverUserNow("JSMITH", 10_000);
      while (inX3 === 0) await new Promise((r) => setTimeout(r, 5));
      const started = Date.now();
      await worker.deliverUserNow("LDUPONT", 10_000);
      // The only lane is JSMITH's: LDUPONT's save is answered without waiting, nothing more is sent to X3.
      expect(Date.now() - started).toBeLessThan(1000);
      expect(inX3).toBe(1);
      release();
      await first;
      worker.start();
      const end = Date.now() + 8000;
      while ((await h.store.get("LDUPONT"))?.x3ConfirmedAt == null && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
      expect((await h.store.get("LDUPONT"))?.x3ConfirmedAt).not.toBeNull();
      expect(written).toEqual(["JSMITH", "LDUPONT"]);
      expect(most).toBe(1);
    } finally {
      release();
      await worker.stop();
    }
  });
});
