/**
 * The server's X3 with X3_PROTOCOL=soap, against the emulator: setups through SOAP, users from the stored
 * directory (filled through SOAP, not asked per request), what SOAP cannot reach through an api1 class only
 * when one is configured — otherwise "not published", said plainly — and the connection test step by step.
 */
import { join } from "node:path";
import { allFlags, type Flags } from "../../src/core/flags";
import pino from "pino";
import { OutboxWorker } from "../../src/server/outbox";
import { openSqlite } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import { connectX3, type X3Connection } from "../../src/server/x3Connection";
import { isNotPublished } from "../../src/server/x3Port";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import type { X3Table } from "../../src/x3/config";
import { callEmulator, startTestEmulator, testFolder, type TestFolder } from "../x3/fixture";

let folder: TestFolder;
let emulator: RunningX3Emulator;
let store: SetupStore;
let closeStore: () => Promise<void>;

beforeAll(async () => {
  folder = await testFolder();
  emulator = await startTestEmulator(folder, { testHooks: true });
  const database = await openSqlite(join(folder.dir, "store.sqlite"));
  store = new SetupStore(database.db, database.dialect);
  closeStore = () => database.close();
});
afterAll(async () => {
  await closeStore?.();
  await emulator?.close();
  await folder?.remove();
});

function connect(restTables: readonly X3Table[]): X3Connection {
  const connection = { baseUrl: emulator.url, auth: { kind: "basic", user: "admin", password: "admin" }, ca: folder.tls.ca, retries: 0 } as const;
  return connectX3(
    {
      protocol: "soap",
      rest: { ...connection, endpoint: "SEED" },
      soap: { ...connection, poolAlias: "SEED" },
      restTables: new Set(restTables),
      directoryRefreshMs: 3_600_000,
    },
    store,
  );
}

/** A pane save of `change` on the user's stored setup, as the store takes it (delivered later by a worker). */
async function save(userCode: string, change: Partial<Flags>): Promise<void> {
  const current = await store.get(userCode);
  const result = await store.save({
    userCode,
    flags: { ...(current?.flags ?? allFlags(false)), ...change },
    expectedVersion: current?.version ?? 0,
    baseline: allFlags(false),
    actor: "t",
    source: "pane",
    deliver: true,
    checkLocks: false,
  });
  if (!result.ok) throw new Error("save refused");
}

async function calls(): Promise<{ soap: number; api1: number }> {
  const soap = (await callEmulator(emulator, folder, "GET", "/__emulator/calls")).json as { total: number };
  const api1 = (await callEmulator(emulator, folder, "GET", "/__emulator/requests")).json as { total: number };
  return { soap: soap.total, api1: api1.total };
}

describe("the server's X3 over SOAP", () => {
  it("saves and reads setups through SOAP, never through api1", async () => {
    const x3 = connect([]);
    try {
      const before = await calls();
      await x3.port.writeSyncpar("JSMITH", { ...allFlags(false), TSKOTKUPD: true });
      expect((await x3.port.readSyncpar("JSMITH"))?.flags.TSKOTKUPD).toBe(true);
      const after = await calls();
      expect(after.api1 - before.api1).toBe(0);
      expect(after.soap - before.soap).toBeGreaterThan(0);
      expect(emulator.app.x3Emulator.store.get("SYNCPAR", "JSMITH")?.values).toMatchObject({ TSKOTKUPD: 2 });
    } finally {
      await x3.close();
    }
  });

  it("finds users in the stored directory: one X3 listing, then no X3 call per lookup, even for strangers", async () => {
    const x3 = connect([]);
    try {
      expect((await x3.port.findUsersByEmail("JSmith@Contoso.com")).map((u) => u.code)).toEqual(["JSMITH"]);
      const before = await calls();
      for (let i = 0; i < 50; i += 1) {
        expect(await x3.port.findUsersByEmail(`stranger${i}@contoso.com`)).toEqual([]);
        expect((await x3.port.getUser("LDUPONT"))?.email).toBe("ldupont@contoso.com");
      }
      const after = await calls();
      expect(after.soap - before.soap).toBe(0);
      expect((await x3.port.listUsers()).map((u) => u.code)).toEqual(["ADMIN", "JSMITH", "LDUPONT", "MCLARK"]);
    } finally {
      await x3.close();
    }
  });

  it("reads parameters and SYNCDATA through api1 only when a class is configured, and otherwise says X3 does not publish them", async () => {
    const without = connect([]);
    const withClasses = connect(["ADOVALAUS", "ADOVAL", "SYNCDATA"]);
    try {
      for (const read of [() => without.port.userParameters("JSMITH"), () => without.port.folderParameters(), () => without.port.syncData("JSMITH")]) {
        const error = await read().then(
          () => null,
          (e: unknown) => e,
        );
        expect(isNotPublished(error)).toBe(true);
        expect((error as Error).message).toMatch(/X3_CLASS_(ADOVALAUS|ADOVAL|SYNCDATA)/);
      }
      expect(await withClasses.port.userParameters("JSMITH")).toEqual({ AUSCRMA: expect.any(String), AUSCRMF: expect.any(String) });
      expect(Array.isArray(await withClasses.port.syncData("JSMITH"))).toBe(true);
    } finally {
      await without.close();
      await withClasses.close();
    }
  });

  it("tests the connection step by step, naming what is not published", async () => {
    const x3 = connect(["SYNCDATA"]);
    try {
      const report = await x3.check("JSMITH");
      const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
      expect(byId.reach?.ok).toBe(true);
      expect(byId.pool?.ok).toBe(true);
      expect(byId["publication:YSYP"]?.ok).toBe(true);
      expect(byId["publication:YAUS"]?.ok).toBe(true);
      expect(byId.setupRead?.ok).toBe(true);
      expect(byId["class:SYNCDATA"]?.ok).toBe(true);
      expect(byId["class:ADOVALAUS"]).toMatchObject({ ok: null, detail: expect.stringMatching(/not published/) });
      expect(report.ok).toBe(true);
    } finally {
      await x3.close();
    }
  });

  it("two replicas delivering in turn: neither misses a flag the other changed (each trusts its memory only when the store agrees)", async () => {
    const a = connect([]);
    const b = connect([]);
    const worker = (x3: X3Connection) => new OutboxWorker(store, x3.port, pino({ level: "silent" }), { pollMs: 60_000 });
    const [workerA, workerB] = [worker(a), worker(b)];
    const saveBy = async (on: boolean, by: OutboxWorker) => {
      await save("MCLARK", { TSKADXCRE: on });
      await by.deliverUserNow("MCLARK", 10_000);
    };
    try {
      await saveBy(false, workerB); // B sees the row
      await saveBy(true, workerA); // A turns it on
      await saveBy(false, workerB); // B, whose memory says "off", turns it off
      expect(emulator.app.x3Emulator.store.get("SYNCPAR", "MCLARK")?.values).toMatchObject({ TSKADXCRE: 1 });
      expect((await store.delivery("MCLARK")).state).toBe("delivered");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("through the outbox: a locked record and X3 without web-service children are retried until delivered; an unknown publication stops with X3's words", async () => {
    const x3 = connect([]);
    const worker = new OutboxWorker(store, x3.port, pino({ level: "silent" }), { pollMs: 50, baseDelayMs: 20, maxDelayMs: 100 });
    const wrong = connectX3(
      {
        protocol: "soap",
        rest: { baseUrl: emulator.url, auth: { kind: "basic", user: "admin", password: "admin" }, ca: folder.tls.ca, endpoint: "SEED" },
        soap: { baseUrl: emulator.url, auth: { kind: "basic", user: "admin", password: "admin" }, ca: folder.tls.ca, poolAlias: "SEED", setupPublication: "YNOPE", retries: 0 },
        restTables: new Set(),
        directoryRefreshMs: 3_600_000,
      },
      store,
    );
    const stopped = new OutboxWorker(store, wrong.port, pino({ level: "silent" }), { pollMs: 50, baseDelayMs: 20, maxDelayMs: 100 });
    const until = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 200 && !(await check()); i += 1) await new Promise((r) => setTimeout(r, 25));
      expect(await check()).toBe(true);
    };
    try {
      for (const kind of ["locked", "noWebServiceChildren"] as const) {
        const on = kind === "locked";
        await save("LDUPONT", { BAPOTKDLT: on });
        await callEmulator(emulator, folder, "POST", "/__emulator/faults", { body: { kind, count: 3 } });
        worker.start();
        // Waiting with X3's words, then delivered once the fault is gone.
        await until(async () => (await store.delivery("LDUPONT")).state === "delivered");
        await worker.stop();
        // The fault answered its three calls: three refused attempts, each retried.
        expect(emulator.app.x3Emulator.faults.current().fault).toBeNull();
        expect(emulator.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")?.values).toMatchObject({ BAPOTKDLT: on ? 2 : 1 });
        await callEmulator(emulator, folder, "DELETE", "/__emulator/faults");
      }

      await save("ADMIN", { BAPOTKDLT: true });
      stopped.start();
      await until(async () => (await store.delivery("ADMIN")).state === "failed");
      expect((await store.delivery("ADMIN")).message).toMatch(/YNOPE/);
    } finally {
      await worker.stop();
      await stopped.stop();
      await Promise.all([x3.close(), wrong.close()]);
    }
  });

  it("a GESSYP edit made in X3 between two saves survives the second save, in one X3 call", async () => {
    const x3 = connect([]);
    const worker = new OutboxWorker(store, x3.port, pino({ level: "silent" }), { pollMs: 60_000 });
    const saveAndDeliver = async (change: Partial<Flags>) => {
      await save("JSMITH", change);
      await worker.deliverUserNow("JSMITH", 10_000);
    };
    try {
      await saveAndDeliver({ CLLOTKUPD: true });
      // In GESSYP, someone turns "Delete Outlook call" on.
      await callEmulator(emulator, folder, "PUT", "/__emulator/tables/SYNCPAR/JSMITH", { body: { CLLOTKDLT: 2 } });
      const before = await calls();
      await saveAndDeliver({ CLLOTKCRE: true });
      expect((await calls()).soap - before.soap).toBe(1);
      expect(emulator.app.x3Emulator.store.get("SYNCPAR", "JSMITH")?.values).toMatchObject({ CLLOTKUPD: 2, CLLOTKCRE: 2, CLLOTKDLT: 2 });
    } finally {
      await x3.close();
    }
  });
});
