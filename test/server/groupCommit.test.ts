/**
 * Concurrent setup saves, on each database: on SQLite they share a transaction (group commit), on PostgreSQL
 * each is its own, run concurrently on the pool; either way each keeps its own compare-and-set result, a
 * failing one does not fail or hide the others, every version has its history entry and outbox row, and no
 * save is answered before its transaction has committed.
 */
import { existsSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { type Kysely, sql, type Transaction } from "kysely";
import { Client } from "pg";
import { allFlags, FLAG_CODES, type Flags } from "../../src/core/flags";
import * as databaseModule from "../../src/server/store/database";
import type { OpenedDatabase } from "../../src/server/store/database";
import { GroupCommit } from "../../src/server/store/groupCommit";
import type { Database } from "../../src/server/store/schema";
import { type SaveRequest, type SaveResult, SetupStore } from "../../src/server/store/setupStore";
import { DIALECTS, type TestDatabase } from "./databases";

function flagsNumber(n: number): Flags {
  // A different flag set for each n, so every write really changes something.
  return { ...allFlags(false), [FLAG_CODES[n % FLAG_CODES.length]!]: true };
}

function request(userCode: string, expectedVersion: number, n: number, overrides: Partial<SaveRequest> = {}): SaveRequest {
  return {
    userCode,
    flags: flagsNumber(n),
    expectedVersion,
    baseline: allFlags(false),
    actor: `writer${n}@contoso.com`,
    source: "pane",
    deliver: true,
    ...overrides,
  };
}

async function counts(opened: OpenedDatabase, userCode: string) {
  const rows = async (table: "history" | "outbox") =>
    (await opened.db.selectFrom(table).select("version").where("user_code", "=", userCode).orderBy("version").execute()).map((r) => r.version);
  return { history: await rows("history"), outbox: await rows("outbox") };
}

describe.each(DIALECTS)("concurrent saves on $name", ({ make, required }) => {
  let database: TestDatabase | null = null;
  let opened: OpenedDatabase;
  let store: SetupStore;

  beforeAll(async () => {
    if (!(await required())) return;
    database = await make();
    opened = await database.open();
    store = new SetupStore(opened.db, opened.dialect);
  });
  afterAll(async () => {
    if (!database) return;
    await opened.close();
    await database.drop();
  });

  it("writes concurrent saves of different users, each with its own result (on SQLite in fewer transactions)", async () => {
    if (!database) return;
    const before = { ...store.writes.stats };
    const users = Array.from({ length: 20 }, (_, i) => `GC${String(i).padStart(2, "0")}`);
    const results = await Promise.all(users.map((u, i) => store.save(request(u, 0, i))));
    expect(results.map((r) => r.ok)).toEqual(users.map(() => true));
    results.forEach((r, i) => expect(r.ok && r.setup).toMatchObject({ userCode: users[i], version: 1, flags: flagsNumber(i) }));
    if (opened.dialect === "sqlite") {
      expect(store.writes.stats.writes - before.writes).toBe(20);
      expect(store.writes.stats.groups - before.groups).toBeLessThan(20);
    } else {
      // PostgreSQL's saves are transactions of their own.
      expect(store.writes.stats).toEqual(before);
    }
    for (const [i, u] of users.entries()) {
      expect(await store.get(u)).toMatchObject({ version: 1, flags: flagsNumber(i) });
      expect(await counts(opened, u)).toEqual({ history: [1], outbox: [1] });
    }
  });

  it("writes a delivery's claim and outcome in the saves' transaction on SQLite (their own on PostgreSQL), each with its own result", async () => {
    if (!database) return;
    for (const u of ["GCDEL1", "GCDEL2"]) expect((await store.save(request(u, 0, 1))).ok).toBe(true);
    const leased = (await store.claimDue("GCDEL2", "worker-a", 60_000))!;
    expect(leased).toMatchObject({ userCode: "GCDEL2", version: 1 });

    const before = { ...store.writes.stats };
    const [saved, claimed] = await Promise.all([
      store.save(request("GCDEL3", 0, 3)),
      store.claimDue("GCDEL1", "worker-a", 60_000),
      store.markDelivered(leased.id),
    ]);
    expect(saved).toMatchObject({ ok: true, setup: { userCode: "GCDEL3", version: 1 } });
    expect(claimed).toMatchObject({ userCode: "GCDEL1", version: 1, attempts: 0 });
    const sqlite = opened.dialect === "sqlite";
    // On SQLite: one transaction for the three; on PostgreSQL each keeps its own.
    expect(store.writes.stats.writes - before.writes).toBe(sqlite ? 3 : 0);
    expect(store.writes.stats.groups - before.groups).toBe(sqlite ? 1 : 0);
    expect(await store.delivery("GCDEL2")).toMatchObject({ state: "delivered", version: 1 });
    expect((await store.get("GCDEL2"))?.x3ConfirmedAt).not.toBeNull();
    // The claim holds: nobody else takes GCDEL1 until it is settled.
    expect(await store.claimDue("GCDEL1", "worker-b", 60_000)).toBeNull();
  });

  it("detects each compare-and-set conflict among concurrent saves: one save per version wins", async () => {
    if (!database) return;
    const user = "GCRACE";
    expect((await store.save(request(user, 0, 0))).ok).toBe(true);
    const before = { ...store.writes.stats };
    // Ten writers started from version 1; then five from version 2 and five from a version that never was.
    const racers = [
      ...Array.from({ length: 10 }, (_, i) => request(user, 1, i + 1)),
      ...Array.from({ length: 5 }, (_, i) => request(user, 2, i + 11)),
      ...Array.from({ length: 5 }, (_, i) => request(user, 9, i + 16)),
    ];
    const results: SaveResult[] = await Promise.all(racers.map((r) => store.save(r)));
    const won = results.flatMap((r, i) => (r.ok ? [{ i, version: r.setup.version }] : []));
    if (opened.dialect === "postgres") {
      // Concurrent transactions: exactly one of the ten from version 1 wins; one from version 2 wins only if
      // it ran after that commit. Every loser is told what was current when it lost.
      expect(won.filter((w) => w.i < 10)).toHaveLength(1);
      expect(won.filter((w) => w.i >= 15)).toHaveLength(0);
      expect(won.map((w) => w.version).sort()).toEqual(won.length === 1 ? [2] : [2, 3]);
      for (const r of results) if (!r.ok) expect(r).toMatchObject({ reason: "version", current: { userCode: user } });
      const final = 1 + won.length;
      expect(await store.get(user)).toMatchObject({ version: final });
      const versions = Array.from({ length: final }, (_, i) => i + 1);
      expect(await counts(opened, user)).toEqual({ history: versions, outbox: versions });
      return;
    }
    expect(store.writes.stats.groups - before.groups).toBeLessThan(racers.length);
    expect(won.map((w) => w.version).sort()).toEqual([2, 3]);
    // The first of each starting version wins; every other writer is told what is current now.
    expect(won.map((w) => w.i)).toEqual([0, 10]);
    for (const [i, r] of results.entries()) {
      if (r.ok) continue;
      expect(r.reason).toBe("version");
      if (r.reason === "version") expect(r.current!.version).toBe(i < 10 ? 2 : 3);
    }
    expect(await store.get(user)).toMatchObject({ version: 3, flags: flagsNumber(11) });
    expect(await counts(opened, user)).toEqual({ history: [1, 2, 3], outbox: [1, 2, 3] });
  });

  it("rolls back a failing save alone: the others of its group commit, and the failure reaches its caller", async () => {
    if (!database) return;
    const users = ["GCOK1", "GCBAD", "GCOK2", "GCHALF", "GCOK3"];
    const broken: Record<string, Partial<SaveRequest>> = {
      // No actor: the database refuses the first statement (on PostgreSQL, that aborts the transaction).
      GCBAD: { actor: null as unknown as string },
      // No baseline for a first save: it fails after its setup row is written, which must be undone.
      GCHALF: { baseline: null as unknown as Flags },
    };
    const before = { ...store.writes.stats };
    const settled = await Promise.allSettled(users.map((u, i) => store.save(request(u, 0, i, broken[u]))));
    if (opened.dialect === "sqlite") expect(store.writes.stats.groups - before.groups).toBeLessThan(users.length);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected", "fulfilled"]);
    for (const u of ["GCOK1", "GCOK2", "GCOK3"]) {
      expect(await store.get(u)).toMatchObject({ version: 1 });
      expect(await counts(opened, u)).toEqual({ history: [1], outbox: [1] });
    }
    for (const u of Object.keys(broken)) {
      expect(await store.get(u)).toBeNull();
      expect(await counts(opened, u)).toEqual({ history: [], outbox: [] });
      // The same user saves fine afterwards.
      expect((await store.save(request(u, 0, 1))).ok).toBe(true);
    }
  });

  it("on PostgreSQL, does not hold other users' saves behind one that waits for a lock", async () => {
    if (!database || opened.dialect !== "postgres") return;
    expect((await store.save(request("GCHELD", 0, 1))).ok).toBe(true);
    // Another session holds GCHELD's setup row, as a long transaction elsewhere would.
    const holder = new Client({ connectionString: database.url! });
    await holder.connect();
    let held: Promise<SaveResult> | undefined;
    try {
      await holder.query("begin");
      await holder.query("select version from setup where user_code = 'GCHELD' for update");
      let heldDone = false;
      held = store.save(request("GCHELD", 1, 2)).then((r) => ((heldDone = true), r));
      // Let the held save reach the lock before the others start.
      await new Promise((resolve) => setTimeout(resolve, 200));
      let timer: NodeJS.Timeout | undefined;
      const others = await Promise.race([
        Promise.all(["GCFREE1", "GCFREE2", "GCFREE3"].map((u, i) => store.save(request(u, 0, i)))),
        new Promise<"still waiting">((resolve) => (timer = setTimeout(() => resolve("still waiting"), 3000))),
      ]);
      clearTimeout(timer);
      expect(others).not.toBe("still waiting");
      expect((others as SaveResult[]).map((r) => r.ok)).toEqual([true, true, true]);
      expect(heldDone).toBe(false);
    } finally {
      await holder.query("commit");
      await holder.end();
    }
    expect(await held).toMatchObject({ ok: true, setup: { version: 2 } });
  });

  it("answers a save only once its transaction has committed: another connection already sees it", async () => {
    if (!database) return;
    const users = Array.from({ length: 8 }, (_, i) => `GCSEE${i}`);
    // Asked beforehand: on SQLite, a query through the store's own connection would wait for the commit.
    const files = opened.dialect === "sqlite" ? (await sql<{ name: string; file: string }>`pragma database_list`.execute(opened.db)).rows : [];
    const seenByAnother = async (userCode: string): Promise<number | null> => {
      if (opened.dialect === "sqlite") {
        const other = new BetterSqlite3(files.find((r) => r.name === "main")!.file, { readonly: true });
        try {
          const row = other.prepare("select version from setup where user_code = ?").get(userCode) as { version: number } | undefined;
          return row?.version ?? null;
        } finally {
          other.close();
        }
      }
      const client = new Client({ connectionString: database!.url! });
      await client.connect();
      try {
        const { rows } = await client.query<{ version: number }>("select version from setup where user_code = $1", [userCode]);
        return rows[0]?.version ?? null;
      } finally {
        await client.end();
      }
    };
    const seen = await Promise.all(users.map(async (u, i) => (await store.save(request(u, 0, i))).ok && seenByAnother(u)));
    expect(seen).toEqual(users.map(() => 1));
  });
});

describe("durability on SQLite", () => {
  it("answers a save only once the write-ahead log holding its commit is fsynced; policy commits under FULL, bookkeeping under NORMAL", async () => {
    const database = await DIALECTS[0].make();
    const opened = await database.open();
    try {
      const store = new SetupStore(opened.db, opened.dialect);
      const synchronous = async (db: Kysely<Database> | Transaction<Database>) =>
        (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]!.synchronous;
      const seen: number[] = [];
      const real = databaseModule.durableTransaction;
      const spy = jest.spyOn(databaseModule, "durableTransaction").mockImplementation((db, dialect, work) =>
        real(db, dialect, async (trx) => {
          seen.push(await synchronous(trx));
          return work(trx);
        }),
      );
      // Saves run straight on SQLite's connection (RawSqlite): the setting inside each of its transactions,
      // and the log's fsync held until the test lets it go.
      const realRaw = databaseModule.RawSqlite.prototype.transaction;
      const rawSeen: Array<{ synchronous: number }> = [];
      const rawSpy = jest.spyOn(databaseModule.RawSqlite.prototype, "transaction").mockImplementation(function (this: databaseModule.RawSqlite, work) {
        return realRaw.call(this, () => {
          rawSeen.push({ synchronous: (this.statement("pragma synchronous").get() as { synchronous: number }).synchronous });
          return work();
        });
      });
      const realSync = databaseModule.RawSqlite.prototype.syncLog;
      let letSync!: () => void;
      const syncGate = new Promise<void>((resolve) => (letSync = resolve));
      const synced: string[] = [];
      const syncSpy = jest.spyOn(databaseModule.RawSqlite.prototype, "syncLog").mockImplementation(async function (this: databaseModule.RawSqlite) {
        await syncGate;
        await realSync.call(this);
        synced.push("fsynced");
      });
      try {
        const answered: string[] = [];
        const saves = Promise.all(["DUR1", "DUR2", "DUR3"].map((u, i) => store.save(request(u, 0, i)).then((r) => answered.push(`${u} ${r.ok}`))));
        await new Promise((resolve) => setTimeout(resolve, 100));
        // Committed (another query sees the rows) but not answered while the log is not on disk.
        expect((await opened.db.selectFrom("setup").select("user_code").execute()).length).toBe(3);
        expect(answered).toEqual([]);
        letSync();
        await saves;
        expect(synced.length).toBeGreaterThanOrEqual(1);
        expect(answered.sort()).toEqual(["DUR1 true", "DUR2 true", "DUR3 true"]);
        // The file fsynced is the database's write-ahead log.
        const wal = databaseModule.rawSqliteOf(opened.db)!.walFile!;
        expect(wal).toMatch(/-wal$/);
        expect(existsSync(wal)).toBe(true);
        expect(await store.savePolicy({ ...(await store.policy()).policy }, 0, "admin@contoso.com")).toBe(true);
        // A delivery's outcome is bookkeeping: NORMAL, no fsync.
        const syncsBefore = synced.length;
        const item = await store.claimDue("DUR1", "test-worker", 60_000);
        await store.markDelivered(item!.id);
        expect(synced.length).toBe(syncsBefore);
      } finally {
        spy.mockRestore();
        rawSpy.mockRestore();
        syncSpy.mockRestore();
      }
      // 2 = FULL (fsync at each commit), 1 = NORMAL (fsync at checkpoints).
      expect(seen).toEqual([2]);
      expect(rawSeen.length).toBeGreaterThanOrEqual(2);
      expect(new Set(rawSeen.map((t) => t.synchronous))).toEqual(new Set([1]));
      expect(await synchronous(opened.db)).toBe(1);
    } finally {
      await opened.close();
      await database.drop();
    }
  });
});

describe("GroupCommit with a separate flush", () => {
  it("starts the next group while the previous group's flush is on its way, and answers each group after its own flush", async () => {
    const events: string[] = [];
    const flushes: Array<() => void> = [];
    let group = 0;
    const commit = new GroupCommit<number, string, string>(
      async (work) => {
        const n = ++group;
        events.push(`begin ${n}`);
        await work(n);
        events.push(`commit ${n}`);
      },
      async (n, request) => `${request}@${n}`,
      { begin: () => undefined, release: () => undefined, rollback: () => undefined },
      { durable: () => new Promise<void>((resolve) => flushes.push(() => (events.push(`flushed ${flushes.length}`), resolve()))) },
    );
    const answered: string[] = [];
    const first = commit.submit("a").then((r) => answered.push(r));
    // Submitted while group 1's flush is pending: group 2 commits meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual(["begin 1", "commit 1"]);
    const second = commit.submit("b").then((r) => answered.push(r));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual(["begin 1", "commit 1", "begin 2", "commit 2"]);
    expect(answered).toEqual([]);
    flushes[1]!();
    await second;
    expect(answered).toEqual(["b@2"]);
    flushes[0]!();
    await first;
    expect(answered).toEqual(["b@2", "a@1"]);
  });

  /** One transaction after another, each write answered with its own request; `flush` as the group's flush. */
  const echo = (flush: () => Promise<void>, waitsForFlush?: (request: string) => boolean) =>
    new GroupCommit<number, string, string>(
      async (work) => work(1),
      async (_n, request) => request,
      { begin: () => undefined, release: () => undefined, rollback: () => undefined },
      { durable: flush, waitsForFlush },
    );
  const failingFlush = async () => {
    throw new Error("fsync: input/output error");
  };
  const waitsUnlessNote = (request: string) => !request.startsWith("note");

  it("fails a group whose flush fails: none of its writes was acknowledged", async () => {
    await expect(echo(failingFlush).submit("a")).rejects.toThrow("input/output error");
  });

  it("answers a write that does not wait for the flush at the commit, and flushes no group made only of such writes", async () => {
    let flushes = 0;
    const pending: Array<() => void> = [];
    const commit = echo(() => {
      flushes += 1;
      return new Promise<void>((resolve) => pending.push(resolve));
    }, waitsUnlessNote);
    const answered: string[] = [];
    const writes = ["save 1", "note 1", "save 2"].map((r) => commit.submit(r).then(() => answered.push(r)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // One group, one flush on its way: the note is answered, the saves wait for the flush.
    expect(flushes).toBe(1);
    expect(answered).toEqual(["note 1"]);
    pending[0]!();
    await Promise.all(writes);
    expect(answered).toEqual(["note 1", "save 1", "save 2"]);

    await commit.submit("note 2");
    expect(flushes).toBe(1);
  });

  it("fails only the writes that wait for a flush that fails", async () => {
    const commit = echo(failingFlush, waitsUnlessNote);
    const [save, note] = await Promise.allSettled([commit.submit("save"), commit.submit("note")]);
    expect(save).toMatchObject({ status: "rejected" });
    expect(note).toEqual({ status: "fulfilled", value: "note" });
  });
});
