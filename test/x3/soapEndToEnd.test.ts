/**
 * Our SOAP client against our emulator's SOAP side, over HTTPS: each was tested against an independent peer
 * (the `soap` package); here they must agree with each other on what issue 19 promises — a save reaches
 * SYNCPAR, a GESSYP edit made in X3 between two saves survives the second, an outage and a locked record are
 * retryable, an unknown publication is not and carries X3's words, and a delivery costs one X3 call when the
 * row is known.
 */
import { allFlags, type Flags } from "../../src/core/flags";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import { X3Error } from "../../src/x3/errors";
import { X3SoapGateway } from "../../src/x3/soap";
import { callEmulator, failure, startTestEmulator, testFolder, type TestFolder } from "./fixture";

let folder: TestFolder;
let emulator: RunningX3Emulator;

beforeAll(async () => {
  folder = await testFolder();
  emulator = await startTestEmulator(folder);
});
afterAll(async () => {
  await emulator?.close();
  await folder?.remove();
});
afterEach(async () => {
  await callEmulator(emulator, folder, "DELETE", "/__emulator/faults");
});

function gateway(overrides: Partial<ConstructorParameters<typeof X3SoapGateway>[0]> = {}): X3SoapGateway {
  return new X3SoapGateway({
    baseUrl: emulator.url,
    auth: { kind: "basic", user: "admin", password: "admin" },
    ca: folder.tls.ca,
    poolAlias: "SEED",
    retries: 0,
    retryBaseDelayMs: 5,
    ...overrides,
  });
}

const flags = (on: Partial<Flags>): Flags => ({ ...allFlags(false), ...on });
const syncpar = (code: string) => emulator.app.x3Emulator.store.get("SYNCPAR", code)?.values;

async function soapCalls(): Promise<number> {
  const { json } = await callEmulator(emulator, folder, "GET", "/__emulator/calls");
  return (json as { total: number }).total;
}

describe("our SOAP client and our emulator", () => {
  it("create a missing row, then update only what changed, keeping a GESSYP edit made in between", async () => {
    const g = gateway();
    try {
      await callEmulator(emulator, folder, "DELETE", "/__emulator/tables/SYNCPAR/JSMITH");
      expect(await g.readSyncpar("JSMITH")).toBeNull();

      const created = await g.writeSyncpar("JSMITH", flags({ COROTKCRE: true }));
      expect(created.flags).toEqual(flags({ COROTKCRE: true }));
      expect(syncpar("JSMITH")).toMatchObject({ COROTKCRE: 2, TSKOTKCRE: 1 });

      // Someone turns "Create Outlook task" on in GESSYP.
      await callEmulator(emulator, folder, "PUT", "/__emulator/tables/SYNCPAR/JSMITH", { body: { TSKOTKCRE: 2 } });
      const before = await soapCalls();
      // The user, unaware, turns "Update X3 appt." on: only that flag is sent, in one X3 call.
      const second = await g.writeSyncpar("JSMITH", flags({ COROTKCRE: true, BAPADXUPD: true }));
      expect((await soapCalls()) - before).toBe(1);
      expect(syncpar("JSMITH")).toMatchObject({ COROTKCRE: 2, BAPADXUPD: 2, TSKOTKCRE: 2 });
      // X3's answer is the truth, GESSYP's edit included.
      expect(second.flags).toEqual(flags({ COROTKCRE: true, BAPADXUPD: true, TSKOTKCRE: true }));
    } finally {
      await g.close();
    }
  });

  it("a locked record and X3 without web-service children are retryable; an unknown publication is not", async () => {
    const g = gateway();
    try {
      await g.readSyncpar("LDUPONT");
      await callEmulator(emulator, folder, "POST", "/__emulator/faults", { body: { kind: "locked", count: 1 } });
      const locked = await failure(g.writeSyncpar("LDUPONT", flags({ CORADXCRE: true })));
      expect(locked).toBeInstanceOf(X3Error);
      expect((locked as X3Error).transient).toBe(true);
      // Once the lock is gone, the same delivery goes through.
      await g.writeSyncpar("LDUPONT", flags({ CORADXCRE: true }));
      expect(syncpar("LDUPONT")).toMatchObject({ CORADXCRE: 2 });

      await callEmulator(emulator, folder, "POST", "/__emulator/faults", { body: { kind: "noWebServiceChildren", count: 1 } });
      const down = await failure(g.writeSyncpar("LDUPONT", flags({ CORADXCRE: false })));
      expect((down as X3Error).transient).toBe(true);
      expect((down as X3Error).message).toMatch(/No Web services accepted/);
    } finally {
      await g.close();
    }

    const wrong = gateway({ setupPublication: "YNOPE" });
    try {
      const refused = await failure(wrong.writeSyncpar("LDUPONT", flags({ CORADXCRE: true })));
      expect(refused).toBeInstanceOf(X3Error);
      expect((refused as X3Error).transient).toBe(false);
      // X3's own words reach the user, in the call's language.
      expect((refused as X3Error).message).toMatch(/YNOPE/);
    } finally {
      await wrong.close();
    }
  });

  it("decides nothing on English wording: in French, a lock is still retryable and a missing row still created", async () => {
    const g = gateway({ language: "FRA" });
    try {
      await callEmulator(emulator, folder, "DELETE", "/__emulator/tables/SYNCPAR/MCLARK");
      await g.writeSyncpar("MCLARK", flags({ TSKADXCRE: true }));
      expect(syncpar("MCLARK")).toMatchObject({ TSKADXCRE: 2 });
      await callEmulator(emulator, folder, "POST", "/__emulator/faults", { body: { kind: "locked", count: 1 } });
      const locked = await failure(g.writeSyncpar("MCLARK", flags({ TSKADXCRE: false })));
      expect((locked as X3Error).transient).toBe(true);
    } finally {
      await g.close();
    }
  });

  it("list the users with their e-mail addresses (the left list lacks them: each user is read)", async () => {
    const g = gateway();
    try {
      const users = await g.listUsers();
      expect(users.map((u) => u.code).sort()).toEqual(["ADMIN", "JSMITH", "LDUPONT", "MCLARK"]);
      expect(users.find((u) => u.code === "JSMITH")).toMatchObject({ email: "jsmith@contoso.com", name: "John Smith" });
    } finally {
      await g.close();
    }
  });
});
