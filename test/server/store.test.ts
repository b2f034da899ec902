/**
 * The store's contract, on SQLite and on PostgreSQL alike: compare-and-set versions, history and outbox
 * written with the setup, supersession, and delivery leases that keep one delivery per user at a time.
 */
import { allFlags, type Flags } from "../../src/core/flags";
import type { OpenedDatabase } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import { DIALECTS, postgresAvailable, type TestDatabase } from "./databases";

const flags = (changes: Partial<Flags> = {}): Flags => ({ ...allFlags(false), ...changes });
const save = (store: SetupStore, expectedVersion: number, f: Flags, actor = "jsmith@contoso.com") =>
  store.save({ userCode: "JSMITH", flags: f, expectedVersion, baseline: allFlags(false), actor, source: "pane", deliver: true });

let pgReady = false;
beforeAll(async () => {
  pgReady = await postgresAvailable();
});

describe.each(DIALECTS)("the store on $name", ({ name, make }) => {
  let testDb: TestDatabase;
  let opened: OpenedDatabase;
  let store: SetupStore;
  let clock: number;

  beforeEach(async () => {
    if (name === "PostgreSQL" && !pgReady) return;
    testDb = await make();
    opened = await testDb.open();
    clock = Date.parse("2026-11-27T10:00:00.000Z");
    store = new SetupStore(opened.db, opened.dialect, () => new Date(clock));
  });
  afterEach(async () => {
    if (!opened) return;
    await opened.close();
    await testDb.drop();
  });
  const skip = () => name === "PostgreSQL" && !pgReady;

  it("writes a version only from the current one, with its history entry and its outbox row", async () => {
    if (skip()) return;
    const first = await save(store, 0, flags({ COROTKCRE: true }));
    expect(first).toMatchObject({ ok: true, setup: { version: 1 }, changes: [{ code: "COROTKCRE", from: false, to: true }] });
    const stale = await save(store, 0, flags({ TSKADXCRE: true }));
    expect(stale).toMatchObject({ ok: false, current: { version: 1, flags: { COROTKCRE: true, TSKADXCRE: false } } });
    const second = await save(store, 1, flags({ TSKADXCRE: true }));
    expect(second.ok).toBe(true);

    const history = await opened.db.selectFrom("history").selectAll().orderBy("version").execute();
    expect(history.map((h) => h.version)).toEqual([1, 2]);
    const outbox = await opened.db.selectFrom("outbox").selectAll().orderBy("version").execute();
    expect(outbox.map((o) => [o.version, o.state])).toEqual([
      [1, "superseded"],
      [2, "pending"],
    ]);
    expect(await store.delivery("JSMITH")).toMatchObject({ state: "pending", version: 2 });
  });

  it("lets exactly one of many concurrent writers of the same version win", async () => {
    if (skip()) return;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => save(store, 0, flags({ COROTKCRE: i % 2 === 0 }), `w${i}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await store.get("JSMITH"))?.version).toBe(1);
    expect(await opened.db.selectFrom("history").selectAll().execute()).toHaveLength(1);
  });

  it("hands a user's delivery to one worker at a time, and back when it is settled", async () => {
    if (skip()) return;
    await save(store, 0, flags({ COROTKCRE: true }));
    expect(await store.dueUsers(10)).toEqual(["JSMITH"]);
    const a = await store.claimDue("JSMITH", "worker-a", 60_000);
    expect(a).toMatchObject({ version: 1, flags: { COROTKCRE: true } });
    expect(await store.claimDue("JSMITH", "worker-b", 60_000)).toBeNull();
    expect(await store.dueUsers(10)).toEqual([]);

    // A newer version accepted during the delivery waits for it: writes to X3 stay in version order.
    await save(store, 1, flags({ COROTKCRE: true, TSKOTKCRE: true }));
    expect(await store.claimDue("JSMITH", "worker-b", 60_000)).toBeNull();
    await store.markDelivered(a!.id); // v1 was superseded: it stays so, and the lease is released
    const b = await store.claimDue("JSMITH", "worker-b", 60_000);
    expect(b).toMatchObject({ version: 2 });
    await store.markDelivered(b!.id);
    expect(await store.delivery("JSMITH")).toMatchObject({ state: "delivered", version: 2 });
    const states = await opened.db.selectFrom("outbox").select(["version", "state", "lease_owner"]).orderBy("version").execute();
    expect(states).toEqual([
      { version: 1, state: "superseded", lease_owner: null },
      { version: 2, state: "delivered", lease_owner: null },
    ]);
  });

  it("takes back the lease of a worker that died, once it runs out", async () => {
    if (skip()) return;
    await save(store, 0, flags({ BAPADXDLT: true }));
    expect(await store.claimDue("JSMITH", "crashed", 30_000)).not.toBeNull();
    clock += 29_000;
    expect(await store.claimDue("JSMITH", "survivor", 30_000)).toBeNull();
    clock += 2_000;
    expect(await store.claimDue("JSMITH", "survivor", 30_000)).toMatchObject({ version: 1 });
  });

  it("retries later and stops on a refusal", async () => {
    if (skip()) return;
    await save(store, 0, flags({ COROTKCRE: true }));
    const item = await store.claimDue("JSMITH", "w", 60_000);
    await store.markRetry(item!.id, new Date(clock + 5000), "X3 is restarting");
    expect(await store.claimDue("JSMITH", "w", 60_000)).toBeNull();
    expect(await store.delivery("JSMITH")).toMatchObject({ state: "pending", message: "X3 is restarting" });
    clock += 5000;
    const again = await store.claimDue("JSMITH", "w", 60_000);
    expect(again).toMatchObject({ attempts: 1 });
    await store.markFailed(again!.id, "GESSYP: access denied");
    expect(await store.delivery("JSMITH")).toMatchObject({ state: "failed", message: "GESSYP: access denied" });
    expect(await store.dueUsers(10)).toEqual([]);
  });

  it("confirms a delivered version while it is current, and not once a newer one is saved", async () => {
    if (skip()) return;
    await save(store, 0, flags({ COROTKCRE: true }));
    const first = await store.claimDue("JSMITH", "w", 60_000);
    await store.markDelivered(first!.id);
    expect(await store.get("JSMITH")).toMatchObject({ version: 1, x3ConfirmedAt: expect.any(String) });

    await save(store, 1, flags({ COROTKUPD: true }));
    const second = await store.claimDue("JSMITH", "w", 60_000);
    await save(store, 2, flags({ COROTKDLT: true })); // accepted while version 2 was on its way to X3
    await store.markDelivered(second!.id);
    expect(await store.get("JSMITH")).toMatchObject({ version: 3, x3ConfirmedAt: null });
    expect(await store.delivery("JSMITH")).toMatchObject({ state: "pending", version: 3 });
  });

  it("settles a delivery while saves of the same user commit, without a deadlock", async () => {
    if (skip()) return;
    // A delivery's outcome and a save both write the setup row and the user's outbox rows: taken in the
    // same order, a save and a settle racing never deadlock (PostgreSQL would abort one of them).
    await save(store, 0, flags({ COROTKCRE: true }));
    for (let version = 1; version <= 15; version++) {
      const item = await store.claimDue("JSMITH", "w", 60_000);
      const [saved] = await Promise.all([save(store, version, flags({ COROTKCRE: version % 2 === 0 })), store.markDelivered(item!.id)]);
      expect(saved.ok).toBe(true);
    }
  });

  it("remembers the last known X3 user of a mailbox, case-insensitively", async () => {
    if (skip()) return;
    await store.rememberUser("JSmith@Contoso.com", { code: "JSMITH", name: "John Smith", email: "jsmith@contoso.com", language: "ENG" });
    await store.rememberUser("jsmith@contoso.com", { code: "JSMITH", name: "John Smith (Sales)", email: "jsmith@contoso.com", language: "ENG" });
    expect(await store.knownUser("JSMITH@CONTOSO.COM")).toMatchObject({ code: "JSMITH", name: "John Smith (Sales)" });
    expect(await store.knownUser("other@contoso.com")).toBeNull();
  });
});

describe("two stores on one PostgreSQL database (two replicas)", () => {
  it("migrate once, never lose an update, and never deliver one user twice at once", async () => {
    if (!(await postgresAvailable())) return;
    const testDb = await DIALECTS[1].make();
    const [a, b] = await Promise.all([testDb.open(), testDb.open()]);
    try {
      const storeA = new SetupStore(a.db, a.dialect);
      const storeB = new SetupStore(b.db, b.dialect);
      // Both replicas save from version 0 at once: one wins, the other is told the current version.
      const [ra, rb] = await Promise.all([save(storeA, 0, flags({ COROTKCRE: true })), save(storeB, 0, flags({ TSKADXCRE: true }))]);
      expect([ra.ok, rb.ok].sort()).toEqual([false, true]);
      const loser = ra.ok ? rb : ra;
      expect(loser).toMatchObject({ ok: false, current: { version: 1 } });

      const claims = await Promise.all([storeA.claimDue("JSMITH", "a", 60_000), storeB.claimDue("JSMITH", "b", 60_000)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
      await testDb.drop();
    }
  });
});
