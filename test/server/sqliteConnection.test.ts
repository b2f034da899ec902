/**
 * The store's direct statements on SQLite (RawSqlite) share the one connection with Kysely: they must wait
 * for a Kysely transaction in progress rather than run inside it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allFlags } from "../../src/core/flags";
import { ConnectionLock, type OpenedDatabase, openSqlite, rawSqliteOf } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";

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
  let dir: string;
  let opened: OpenedDatabase;
  let store: SetupStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sqlite-lock-"));
    opened = await openSqlite(join(dir, "store.db"));
    store = new SetupStore(opened.db, opened.dialect);
  });

  afterEach(async () => {
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("are used for SQLite stores", () => {
    expect(rawSqliteOf(opened.db)).toBeDefined();
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
