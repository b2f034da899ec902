/**
 * The directory of X3 users (issue 19), on SQLite and PostgreSQL: the store's copy is replaced as a whole,
 * lookups read it, and what a lookup may cost in X3 listings is bounded whatever mailboxes ask.
 */
import type { X3User } from "../../src/core/setup";
import type { OpenedDatabase } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import { X3UserDirectory, type UserDirectoryOptions, type X3UserSource } from "../../src/server/userDirectory";
import { DIALECTS, postgresAvailable, type TestDatabase } from "./databases";

const user = (code: string, email = `${code.toLowerCase()}@contoso.com`, name = `User ${code}`): X3User => ({ code, name, email, language: "ENG" });

/** X3's users as a test sets them; counts the listings (each would cost 1 + N SOAP calls). */
class FakeX3 implements X3UserSource {
  users: X3User[] = [];
  calls = 0;
  failure: Error | null = null;
  /** While set, listings wait for it: keeps one in flight while lookups pile up. */
  gate: Promise<void> | null = null;

  async listUsers(): Promise<X3User[]> {
    this.calls++;
    if (this.gate) await this.gate;
    if (this.failure) throw this.failure;
    return this.users.map((u) => ({ ...u }));
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls with real timers (the schedule's test fakes only setInterval). */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const MINUTE = 60_000;

let pgReady = false;
beforeAll(async () => {
  pgReady = await postgresAvailable();
});

describe.each(DIALECTS)("the X3 user directory on $name", ({ name, make }) => {
  let testDb: TestDatabase;
  let opened: OpenedDatabase | undefined;
  let store: SetupStore;
  let x3: FakeX3;
  let clock: number;
  const directories: X3UserDirectory[] = [];
  const directory = (options: UserDirectoryOptions = {}) => {
    const d = new X3UserDirectory(store, x3, { now: () => clock, ...options });
    directories.push(d);
    return d;
  };

  beforeEach(async () => {
    if (name === "PostgreSQL" && !pgReady) return;
    testDb = await make();
    opened = await testDb.open();
    clock = Date.parse("2026-12-08T09:00:00.000Z");
    store = new SetupStore(opened.db, opened.dialect, () => new Date(clock));
    x3 = new FakeX3();
    x3.users = [user("JSMITH"), user("ADMIN", "it@contoso.com", "Administrator")];
  });
  afterEach(async () => {
    for (const d of directories.splice(0)) d.stop();
    jest.useRealTimers();
    if (!opened) return;
    await opened.close();
    opened = undefined;
    await testDb.drop();
  });
  const skip = () => name === "PostgreSQL" && !pgReady;

  describe("store", () => {
    it("replaces the whole directory with its refresh time, and reads it by code, by e-mail and whole", async () => {
      if (skip()) return;
      expect(await store.directoryRefreshedAt()).toBeNull();
      expect(await store.directoryUsers()).toEqual([]);

      const first = new Date(clock);
      const stored = await store.replaceDirectory(
        [user("ZED"), user("BOB", "Shared@Contoso.com"), user("ALICE", "shared@contoso.COM"), { code: "KIM", name: "Kim", email: " Kim@Contoso.com ", language: null }],
        first,
      );
      expect(stored).toBe(4);
      expect(await store.directoryRefreshedAt()).toEqual(first);
      expect((await store.directoryUsers()).map((u) => u.code)).toEqual(["ALICE", "BOB", "KIM", "ZED"]);
      expect(await store.directoryUser("KIM")).toEqual({ code: "KIM", name: "Kim", email: "Kim@Contoso.com", language: null });
      expect(await store.directoryUser("NOBODY")).toBeNull();
      expect((await store.directoryUsersByEmail("SHARED@contoso.com")).map((u) => u.code)).toEqual(["ALICE", "BOB"]);
      expect(await store.directoryUsersByEmail(" kim@contoso.com")).toEqual([{ code: "KIM", name: "Kim", email: "Kim@Contoso.com", language: null }]);
      expect(await store.directoryUsersByEmail("")).toEqual([]);

      // A user gone from X3 is gone from the directory; the refresh time moves on.
      const second = new Date(clock + MINUTE);
      await store.replaceDirectory([user("BOB", "bob@contoso.com")], second);
      expect(await store.directoryUsers()).toEqual([user("BOB", "bob@contoso.com")]);
      expect(await store.directoryUsersByEmail("shared@contoso.com")).toEqual([]);
      expect(await store.directoryRefreshedAt()).toEqual(second);

      // An empty X3 is a directory too: filled, with nobody in it.
      await store.replaceDirectory([], new Date(clock + 2 * MINUTE));
      expect(await store.directoryUsers()).toEqual([]);
      expect(await store.directoryRefreshedAt()).toEqual(new Date(clock + 2 * MINUTE));
    });

    it("leaves out users the columns cannot hold, and keeps a code listed twice once", async () => {
      if (skip()) return;
      const stored = await store.replaceDirectory(
        [user("TOOLONGCODE1"), user("LONGMAIL", `${"x".repeat(250)}@contoso.com`), user("TWICE", "old@contoso.com"), user("TWICE", "new@contoso.com"), user(" ")],
        new Date(clock),
      );
      expect(stored).toBe(1);
      expect(await store.directoryUsers()).toEqual([user("TWICE", "new@contoso.com")]);
    });

    it("swaps the directory in one transaction: readers see the old one or the new one, never a part", async () => {
      if (skip()) return;
      await store.replaceDirectory([user("OLD1"), user("OLD2")], new Date(clock));
      // Over one insert statement's worth of rows, so the swap takes several statements.
      const many = Array.from({ length: 1200 }, (_, i) => user(`U${String(i).padStart(4, "0")}`));
      let swapped = false;
      const swap = store.replaceDirectory(many, new Date(clock + MINUTE)).then(() => (swapped = true));
      const seen = new Set<number>();
      while (!swapped) seen.add((await store.directoryUsers()).length);
      await swap;
      seen.add((await store.directoryUsers()).length);
      expect([...seen].every((n) => n === 2 || n === 1200)).toBe(true);
      expect(seen.has(1200)).toBe(true);
    });
  });

  describe("lookups", () => {
    it("fills the directory on first use, once, and then reads the store only", async () => {
      if (skip()) return;
      const d = directory();
      const [all, again] = await Promise.all([d.list(), d.list()]);
      expect(x3.calls).toBe(1);
      expect(all.map((u) => u.code)).toEqual(["ADMIN", "JSMITH"]);
      expect(again).toEqual(all);
      expect(await d.findByEmail("jsmith@contoso.com")).toEqual([user("JSMITH")]);
      expect(await d.getUser("admin")).toEqual(user("ADMIN", "it@contoso.com", "Administrator"));
      expect(x3.calls).toBe(1);

      // Another server (or a restart) finds the stored directory and does not list X3 again.
      expect(await directory().list()).toEqual(all);
      expect(x3.calls).toBe(1);
    });

    it("lets 200 concurrent lookups of an unknown mailbox cost one X3 listing, and none more within missRefreshMinMs", async () => {
      if (skip()) return;
      const d = directory({ missRefreshMinMs: 5 * MINUTE });
      await d.list();
      expect(x3.calls).toBe(1);
      clock += 5 * MINUTE;

      const gate = deferred();
      x3.gate = gate.promise;
      const lookups = Array.from({ length: 200 }, () => d.findByEmail("stranger@elsewhere.com"));
      await until(() => x3.calls > 1, "the miss's listing");
      gate.resolve();
      expect(await Promise.all(lookups)).toEqual(Array.from({ length: 200 }, () => []));
      expect(x3.calls).toBe(2);

      clock += 5 * MINUTE - 1;
      await Promise.all(Array.from({ length: 200 }, () => d.findByEmail("stranger@elsewhere.com")));
      await Promise.all(Array.from({ length: 200 }, () => d.getUser("STRANGER")));
      expect(x3.calls).toBe(2);

      // A failed listing counts as well: an X3 outage does not turn every miss into a call.
      clock += 1;
      x3.failure = new Error("X3 is down");
      const failed = await Promise.all(Array.from({ length: 200 }, () => d.findByEmail("stranger@elsewhere.com")));
      expect(failed).toEqual(Array.from({ length: 200 }, () => []));
      expect(x3.calls).toBe(3);
      clock += MINUTE;
      await Promise.all(Array.from({ length: 200 }, () => d.findByEmail("stranger@elsewhere.com")));
      expect(x3.calls).toBe(3);
      // Known users are still found meanwhile, from the stored directory.
      expect(await d.findByEmail("JSmith@contoso.com")).toEqual([user("JSMITH")]);
    });

    it("finds a user added in X3 on a miss once missRefreshMinMs has passed, not before", async () => {
      if (skip()) return;
      const d = directory({ missRefreshMinMs: 5 * MINUTE });
      await d.list();
      x3.users.push(user("NEWBIE", "NewBie@Contoso.com", "New colleague"));

      clock += 4 * MINUTE;
      expect(await d.findByEmail("newbie@contoso.com")).toEqual([]);
      expect(await d.getUser("NEWBIE")).toBeNull();
      expect(x3.calls).toBe(1);

      clock += MINUTE;
      expect(await d.findByEmail("newbie@contoso.com")).toEqual([user("NEWBIE", "NewBie@Contoso.com", "New colleague")]);
      expect(x3.calls).toBe(2);
    });

    it("finds a user by code on a miss once missRefreshMinMs has passed", async () => {
      if (skip()) return;
      const d = directory({ missRefreshMinMs: 5 * MINUTE });
      await d.list();
      x3.users.push(user("NEWBIE"));
      clock += 5 * MINUTE;
      expect(await d.getUser(" newbie ")).toEqual(user("NEWBIE"));
      expect(x3.calls).toBe(2);
    });

    it("matches e-mails case-insensitively and returns every user sharing one", async () => {
      if (skip()) return;
      x3.users = [user("JSMITH", "J.Smith@Contoso.com"), user("JSMITH2", "j.smith@CONTOSO.com"), user("OTHER")];
      const d = directory();
      expect((await d.findByEmail("J.SMITH@contoso.COM")).map((u) => [u.code, u.email])).toEqual([
        ["JSMITH", "J.Smith@Contoso.com"],
        ["JSMITH2", "j.smith@CONTOSO.com"],
      ]);
      expect(await d.findByEmail("other@contoso.com")).toEqual([user("OTHER")]);
      expect(await d.findByEmail("  ")).toEqual([]);
      expect(x3.calls).toBe(1);
    });

    it("drops a user removed in X3 at the next refresh", async () => {
      if (skip()) return;
      const d = directory();
      expect(await d.findByEmail("jsmith@contoso.com")).toHaveLength(1);
      x3.users = x3.users.filter((u) => u.code !== "JSMITH");
      await d.refresh();
      expect(await d.findByEmail("jsmith@contoso.com")).toEqual([]);
      expect(await d.getUser("JSMITH")).toBeNull();
      expect((await d.list()).map((u) => u.code)).toEqual(["ADMIN"]);
    });
  });

  describe("refreshes", () => {
    it("share one X3 listing between concurrent callers", async () => {
      if (skip()) return;
      const d = directory();
      const gate = deferred();
      x3.gate = gate.promise;
      const refreshes = Array.from({ length: 20 }, () => d.refresh());
      const lists = Array.from({ length: 20 }, () => d.list());
      gate.resolve();
      await Promise.all([...refreshes, ...lists]);
      expect(x3.calls).toBe(1);
      // Once it has ended, the next refresh lists X3 again.
      await d.refresh();
      expect(x3.calls).toBe(2);
    });

    it("keep serving the stored directory when X3 fails", async () => {
      if (skip()) return;
      const d = directory();
      await d.list();
      x3.failure = new Error("X3 is down");
      x3.users = [];
      await expect(d.refresh()).resolves.toBeUndefined();
      expect(x3.calls).toBe(2);
      expect((await d.list()).map((u) => u.code)).toEqual(["ADMIN", "JSMITH"]);
      expect(await d.findByEmail("jsmith@contoso.com")).toEqual([user("JSMITH")]);
      expect(await store.directoryRefreshedAt()).toEqual(new Date(clock));
    });

    it("fail with X3's error when the directory was never filled, and ask X3 again only after missRefreshMinMs", async () => {
      if (skip()) return;
      const down = new Error("X3 is down");
      x3.failure = down;
      const d = directory({ missRefreshMinMs: 5 * MINUTE });
      const gate = deferred();
      x3.gate = gate.promise;
      const lookups = Array.from({ length: 200 }, () => d.findByEmail("jsmith@contoso.com").then(() => null, (e: unknown) => e));
      await until(() => x3.calls > 0, "the first listing");
      gate.resolve();
      expect(new Set(await Promise.all(lookups))).toEqual(new Set([down]));
      expect(x3.calls).toBe(1);

      clock += 5 * MINUTE - 1;
      await expect(d.list()).rejects.toBe(down);
      await expect(d.getUser("JSMITH")).rejects.toBe(down);
      await expect(d.findByEmail("jsmith@contoso.com")).rejects.toBe(down);
      expect(x3.calls).toBe(1);
      expect(await store.directoryRefreshedAt()).toBeNull();

      clock += 1;
      x3.failure = null;
      expect(await d.findByEmail("jsmith@contoso.com")).toEqual([user("JSMITH")]);
      expect(x3.calls).toBe(2);
    });

    it("run on the schedule, at once when the stored directory is older than the period, and stop", async () => {
      if (skip()) return;
      // Only the schedule's timer is faked: the databases' clients keep their own.
      jest.useFakeTimers({ doNotFake: ["Date", "hrtime", "nextTick", "performance", "queueMicrotask", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout"] });
      const d = directory({ refreshMs: 10 * MINUTE });
      d.start();
      await until(() => x3.calls === 1, "the refresh at start of a never-filled directory");
      await d.list();
      x3.users.push(user("NEWBIE"));

      clock += 10 * MINUTE;
      await jest.advanceTimersByTimeAsync(10 * MINUTE);
      await until(async () => (await d.list()).some((u) => u.code === "NEWBIE"), "the scheduled refresh's users");
      expect(x3.calls).toBe(2);

      d.stop();
      const before = x3.calls;
      await jest.advanceTimersByTimeAsync(50 * MINUTE);
      await new Promise((r) => setTimeout(r, 20));
      expect(x3.calls).toBe(before);

      // A fresh stored directory is not listed again at start; only when its period comes.
      const calls = x3.calls;
      const fresh = directory({ refreshMs: 10 * MINUTE });
      fresh.start();
      await new Promise((r) => setTimeout(r, 50));
      expect(x3.calls).toBe(calls);
      clock += 10 * MINUTE;
      await jest.advanceTimersByTimeAsync(10 * MINUTE);
      await until(() => x3.calls === calls + 1, "the fresh directory's scheduled refresh");
      fresh.stop();
    });
  });
});
