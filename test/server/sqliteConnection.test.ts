/**
 * The store's direct statements on SQLite (RawSqlite) share the one connection with Kysely: they must wait
 * for a Kysely transaction in progress rather than run inside it.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { allFlags } from "../../src/core/flags";
import { ConnectionLock, type OpenedDatabase, openSqlite, rawSqliteOf, WalCheckpointer } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import { sqliteDatabase, type TestDatabase } from "./databases";

describe("ConnectionLock", () => {
  it("is taken at once when free, and handed to waiters in arrival order", async () => {
    const lock = new ConnectionLock();
    expect(lock.tryLock()).toBe(true);
    expect(lock.tryLock()).toBe(false);
    const order: string[] = [];
    const a = lock.lock().then(() => order.push("a"));
    const b = lock.lock().then(() => order.push("b"));
    lock.unlock();
    await a;
    expect(order).toEqual(["a"]);
    // "a" holds it now: nobody else may take it in between.
    expect(lock.tryLock()).toBe(false);
    lock.unlock();
    await b;
    lock.unlock();
    expect(order).toEqual(["a", "b"]);
    expect(lock.tryLock()).toBe(true);
  });
});

describe("direct SQLite statements beside Kysely", () => {
  let database: TestDatabase;
  let opened: OpenedDatabase;
  let store: SetupStore;

  beforeEach(async () => {
    database = await sqliteDatabase();
    opened = await database.open();
    store = new SetupStore(opened.db, opened.dialect);
  });

  afterEach(async () => {
    await opened.close();
    await database.drop();
  });

  it("are used for SQLite stores", () => {
    expect(rawSqliteOf(opened.db)).toBeDefined();
  });

  it("read back exactly the 23 flags, and refuse a row whose flags are anything else", async () => {
    const row = (userCode: string, flags: unknown) => ({
      user_code: userCode,
      flags: JSON.stringify(flags),
      version: 1,
      updated_at: "t",
      updated_by: "t",
      source: "pane",
      x3_confirmed_at: null,
    });
    const good = { ...allFlags(false), COROTKCRE: true };
    await opened.db
      .insertInto("setup")
      .values([
        row("GOOD", good),
        row("EXTRA", { ...good, EXTRA: true }),
        row("MISSING", Object.fromEntries(Object.entries(good).slice(1))),
        row("STRING", { ...good, COROTKCRE: "true" }),
      ])
      .execute();
    expect((await store.get("GOOD"))?.flags).toEqual(good);
    for (const bad of ["EXTRA", "MISSING", "STRING"]) await expect(store.get(bad)).rejects.toThrow();
  });

  it("wait for a Kysely transaction instead of reading its uncommitted rows", async () => {
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const transaction = opened.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto("setup")
          .values({ user_code: "GHOST", flags: JSON.stringify(allFlags(true)), version: 1, updated_at: "t", updated_by: "t", source: "pane", x3_confirmed_at: null })
          .execute();
        inside();
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error("rolled back on purpose");
      })
      .catch((err: Error) => err.message);
    await entered;
    // Asked while the transaction holds the uncommitted row: answered only after its rollback.
    const [read, delivery, outcome] = await Promise.all([store.get("GHOST"), store.delivery("GHOST"), transaction]);
    expect(outcome).toBe("rolled back on purpose");
    expect(read).toBeNull();
    expect(delivery.state).toBe("none");
  });
});

describe("WAL checkpoints on a worker thread", () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "sqlite-wal-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const save = (store: SetupStore, userCode: string, version: number) =>
    store.save({
      userCode,
      flags: allFlags(version % 2 === 0),
      expectedVersion: version,
      baseline: allFlags(false),
      actor: "test",
      source: "pane",
      deliver: true,
    });

  it("keep the log from growing while the server's own connection never checkpoints", async () => {
    const file = join(dir, "store.db");
    const opened = await openSqlite(file);
    try {
      const store = new SetupStore(opened.db, opened.dialect);
      const raw = rawSqliteOf(opened.db)!;
      const checkpointer = raw.checkpointer!;
      expect(raw.statement("pragma wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 0 });
      for (let v = 0; v < 100; v++) await Promise.all(["A", "B", "C"].map((u) => save(store, u, v)));
      // The worker checkpoints on its own, every 100 ms.
      const deadline = Date.now() + 5000;
      while (!checkpointer.last && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(checkpointer.last).not.toBeNull();
      // Everything written is copied into the database file…
      const full = await checkpointer.checkpointNow();
      expect(full.log).toBeGreaterThan(30);
      expect(full.checkpointed).toBe(full.log);
      // …so the server's next write starts the log over rather than appending to it.
      await save(store, "A", 100);
      const after = await checkpointer.checkpointNow();
      expect(after.log).toBeLessThan(full.log);
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect((await store.get("A"))?.version).toBe(101);
    } finally {
      await opened.close();
    }
    // Closed cleanly: the last connection checkpointed and removed the log.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("give the connection its own checkpoints back if the worker cannot run", async () => {
    const file = join(dir, "store.db");
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma("journal_mode = WAL");
    const checkpointer = new WalCheckpointer(file, sqlite, join(dir, "no-such-driver.js"));
    try {
      const deadline = Date.now() + 5000;
      while (!checkpointer.errors.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(checkpointer.errors.join()).toContain("no-such-driver");
      expect(sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    } finally {
      await checkpointer.stop();
      sqlite.close();
    }
  });
});
