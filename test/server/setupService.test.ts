/**
 * Races the review found, pinned down with a stand-in X3 whose answers the test times exactly, over the
 * real store (SQLite) and outbox.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { allFlags, type Flags } from "../../src/core/flags";
import type { X3User } from "../../src/core/setup";
import { OutboxWorker } from "../../src/server/outbox";
import { SetupService } from "../../src/server/setupService";
import { openSqlite, type OpenedDatabase } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import type { X3Port } from "../../src/server/x3Port";

const flags = (changes: Partial<Flags> = {}): Flags => ({ ...allFlags(false), ...changes });

class ScriptedX3 implements X3Port {
  row: Flags | null = null;
  onRead: (() => Promise<void>) | null = null;
  writeError: Error | null = null;
  writes: Flags[] = [];
  async readSyncpar() {
    const seen = this.row;
    await this.onRead?.();
    return seen ? { flags: seen } : null;
  }
  async writeSyncpar(_user: string, f: Flags) {
    if (this.writeError) throw this.writeError;
    this.writes.push(f);
    this.row = f;
    return {};
  }
  async findUsersByEmail(): Promise<X3User[]> {
    return [];
  }
  async getUser(): Promise<X3User | null> {
    return null;
  }
  async listUsers(): Promise<X3User[]> {
    return [];
  }
  async userParameters() {
    return { AUSCRMA: null, AUSCRMF: null };
  }
  async folderParameters() {
    return {};
  }
  async syncData() {
    return [];
  }
}

/** Lets the delivery a save started in the background finish. */
const idle = () => new Promise((r) => setTimeout(r, 40));

let dir: string;
let db: OpenedDatabase;
let store: SetupStore;
let x3: ScriptedX3;
let outbox: OutboxWorker;
let service: SetupService;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "service-"));
  db = await openSqlite(join(dir, "s.sqlite"));
  store = new SetupStore(db.db, db.dialect);
  x3 = new ScriptedX3();
  outbox = new OutboxWorker(store, x3, pino({ level: "silent" }), { baseDelayMs: 10, maxDelayMs: 20, leaseMs: 100 });
  service = new SetupService(store, x3, outbox, { deliveryBudgetMs: 0, readBudgetMs: 500 });
});
afterEach(async () => {
  await outbox.stop();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe("X3's truth, under races", () => {
  it("does not take X3's older row for a GESSYP edit when a delivery lands while X3 answers", async () => {
    await service.save("JSMITH", flags({ COROTKCRE: true }), 0, "jsmith@contoso.com"); // v1: X3 had no row
    await idle();
    expect(x3.row).toMatchObject({ COROTKCRE: true });
    // v2 is accepted while X3 is unreachable for writes, so it stays pending.
    x3.writeError = Object.assign(new Error("X3 is restarting"), { transient: true });
    await service.save("JSMITH", flags({ COROTKCRE: true, TSKOTKCRE: true }), 1, "jsmith@contoso.com");
    await idle();
    x3.writeError = null;
    await new Promise((r) => setTimeout(r, 30)); // the retry is due
    // X3 answers with v1's flags; meanwhile the outbox delivers v2.
    x3.onRead = async () => {
      x3.onRead = null;
      await outbox.sweep();
    };
    const shown = await service.read("JSMITH");
    expect(shown).toMatchObject({ version: 2, source: "pane", flags: { TSKOTKCRE: true } });
    expect((await store.history("JSMITH", 1, 10)).items.map((h) => h.source)).toEqual(["pane", "pane"]);
    // The next read sees X3 holding v2: confirmed, nothing taken.
    expect(await service.read("JSMITH")).toMatchObject({ version: 2, x3: { confirmed: true } });
  });

  it("refuses a first save while X3 cannot be read, so X3's row is never overwritten blind", async () => {
    x3.row = flags({ BAPADXDLT: true });
    x3.onRead = () => new Promise((r) => setTimeout(r, 2000)); // slower than the read budget
    await expect(service.save("JSMITH", flags({ COROTKCRE: true }), 0, "jsmith@contoso.com")).rejects.toMatchObject({ status: 503, code: "x3-unavailable" });
    expect(await store.get("JSMITH")).toBeNull();
    x3.onRead = null;
    // Once X3 answers, its row is the starting point: the save must be made from version 1.
    await expect(service.save("JSMITH", flags({ COROTKCRE: true }), 0, "j")).rejects.toMatchObject({ status: 412 });
    const ok = await service.save("JSMITH", flags({ COROTKCRE: true, BAPADXDLT: true }), 1, "j");
    expect(ok.version).toBe(2);
  });
});

describe("a save from a known version", () => {
  it("writes without reading the store first, and still answers 412 with X3's row when nothing is stored", async () => {
    x3.row = flags({ BAPADXDLT: true });
    await service.read("JSMITH"); // v1, taken from X3
    const reads = jest.spyOn(store, "get");
    const policyReads = jest.spyOn(store, "policy");
    const saved = await service.save("JSMITH", flags({ BAPADXDLT: true, COROTKCRE: true }), 1, "jsmith@contoso.com");
    expect(saved).toMatchObject({ version: 2, flags: { COROTKCRE: true } });
    // Only the answer's own read of what is current after the delivery; the policy comes from the save.
    expect(reads.mock.calls.length).toBeLessThanOrEqual(1);
    expect(policyReads).not.toHaveBeenCalled();
    reads.mockRestore();
    policyReads.mockRestore();

    // A store that lost the user (restored from an old backup) while the pane still holds version 2: the
    // save starts from X3's row, as a first save does, and the pane is told what is current.
    await db.db.deleteFrom("outbox").where("user_code", "=", "MBROWN").execute();
    x3.row = flags({ TSKOTKCRE: true });
    const refused = service.save("MBROWN", flags({ COROTKCRE: true }), 2, "mbrown@contoso.com");
    await expect(refused).rejects.toMatchObject({ status: 412, extra: { current: { version: 1, source: "x3", flags: { TSKOTKCRE: true } } } });
    expect(await store.get("MBROWN")).toMatchObject({ version: 1, source: "x3" });
  });
});

describe("company policy, under races", () => {
  it("checks a save against the policy as it commits, not as it started", async () => {
    x3.row = flags();
    await service.read("JSMITH");
    const policyVersion = (await service.policy()).version;
    await service.updatePolicy({ defaults: {}, locks: { CORADXDLT: { value: false, reason: "IT policy" } } }, policyVersion, "admin");
    await expect(service.save("JSMITH", flags({ CORADXDLT: true }), 1, "j")).rejects.toMatchObject({ status: 409, code: "flag-locked" });
    expect((await store.get("JSMITH"))?.version).toBe(1);
  });

  it("corrects a user who saved while the policy was being enforced", async () => {
    await service.save("JSMITH", flags({ CORADXDLT: true }), 0, "j"); // v1, before any lock
    const before = await store.get("JSMITH");
    // A user's save lands between the enforcement's read and its write.
    const realAll = store.allSetups.bind(store);
    jest.spyOn(store, "allSetups").mockImplementationOnce(async () => {
      const all = await realAll();
      await store.save({ userCode: "JSMITH", flags: flags({ CORADXDLT: true, TSKOTKCRE: true }), expectedVersion: before!.version, baseline: before!.flags, actor: "j", source: "pane", deliver: true });
      return all;
    });
    const v = (await service.policy()).version;
    await service.updatePolicy({ defaults: {}, locks: { CORADXDLT: { value: false, reason: "IT policy" } } }, v, "admin");
    expect(await store.get("JSMITH")).toMatchObject({ source: "policy", flags: { CORADXDLT: false, TSKOTKCRE: true } });
  });
});

describe("the outbox, when what fails is not X3", () => {
  it("retries a delivery whose bookkeeping failed after X3 took it, rather than calling it refused", async () => {
    x3.row = flags();
    await service.read("JSMITH");
    jest.spyOn(store, "markDelivered").mockRejectedValueOnce(new Error("SQLITE_BUSY: database is locked"));
    await service.save("JSMITH", flags({ TSKADXUPD: true }), 1, "j");
    await idle();
    expect(x3.writes).toHaveLength(1); // X3 took it…
    expect(await store.delivery("JSMITH")).toMatchObject({ state: "pending" }); // …but it is not marked failed
    await new Promise((r) => setTimeout(r, 150)); // the lease runs out
    await outbox.sweep();
    expect(await store.delivery("JSMITH")).toMatchObject({ state: "delivered", version: 2 });
  });

  it("retries an unexpected error, and never shows its text", async () => {
    x3.row = flags();
    await service.read("JSMITH");
    x3.writeError = new TypeError("select * from secret_table");
    await service.save("JSMITH", flags({ TSKADXUPD: true }), 1, "j");
    await idle();
    const d = await store.delivery("JSMITH");
    expect(d.state).toBe("pending");
    expect(d.message).not.toMatch(/secret_table/);
    x3.writeError = null;
    await new Promise((r) => setTimeout(r, 30));
    await outbox.sweep();
    expect(await store.delivery("JSMITH")).toMatchObject({ state: "delivered" });
  });
});

describe("reads that confirm what X3 holds", () => {
  it("say X3 confirmed now, but write the stored confirmation time only when it is a minute old", async () => {
    await service.save("JSMITH", flags({ COROTKCRE: true }), 0, "jsmith@contoso.com");
    // The save's own delivery (the service waits 0 ms for it here) is on its way: wait until it has settled.
    for (const end = Date.now() + 5000; (await store.delivery("JSMITH")).state !== "delivered"; await idle()) {
      if (Date.now() > end) throw new Error("the save's delivery did not settle");
    }
    const stored = (await store.get("JSMITH"))!.x3ConfirmedAt!;
    const marks = jest.spyOn(store, "markConfirmed");
    const first = await service.read("JSMITH");
    expect(first).toMatchObject({ x3: { confirmed: true } });
    expect(marks).not.toHaveBeenCalled();
    expect((await store.get("JSMITH"))!.x3ConfirmedAt).toBe(stored);

    // A minute later the read refreshes it.
    const later = jest.spyOn(Date, "now").mockReturnValue(Date.parse(stored) + 61_000);
    try {
      await service.read("JSMITH");
    } finally {
      later.mockRestore();
    }
    expect(marks).toHaveBeenCalledTimes(1);
  });
});
