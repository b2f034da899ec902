import { FLAG_CODES, allFlags, type Flags } from "../../src/core/flags";
import { encodeYesNo } from "../../src/core/x3YesNo";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import { X3ConflictError, X3Error } from "../../src/x3/errors";
import type { X3Gateway } from "../../src/x3/gateway";
import { X3Transport } from "../../src/x3/transport";
import { callEmulator, emulatorSuite, failure, startTestEmulator, testGateway, type TestFolder } from "./fixture";

const NO = encodeYesNo(false) as number; // the local menu form, as stored
const YES = encodeYesNo(true) as number;

let folder: TestFolder;
let emulator: RunningX3Emulator;
let gateway: X3Gateway;

emulatorSuite((suite) => ({ folder, emulator, gateway } = suite));

afterEach(() => jest.restoreAllMocks());

const stored = (user: string) => emulator.app.x3Emulator.store.get("SYNCPAR", user);

/** The bodies of the PUTs and POSTs the gateway sends during `action`. */
async function sentWrites(action: () => Promise<unknown>): Promise<{ method: string; body: unknown }[]> {
  const spy = jest.spyOn(X3Transport.prototype, "send");
  await action();
  return spy.mock.calls.filter(([method]) => method !== "GET").map(([method, , , body]) => ({ method, body }));
}

describe("reading SYNCPAR", () => {
  test("decodes the 23 settable flags from X3's 1/2 and leaves CLLADXCRE out", async () => {
    const row = await gateway.readSyncpar("LDUPONT");
    expect(row).not.toBeNull();
    expect(Object.keys(row!.flags).sort()).toEqual([...FLAG_CODES].sort());
    expect(row!.flags).not.toHaveProperty("CLLADXCRE");
    // The seed gives LDUPONT X3 → Outlook on, Outlook → X3 off.
    expect(row!.flags.COROTKCRE).toBe(true);
    expect(row!.flags.BAPOTKDLT).toBe(true);
    expect(row!.flags.CORADXCRE).toBe(false);
    expect(row!.userCode).toBe("LDUPONT");
    expect(row!.etag).toBe(stored("LDUPONT")!.etag);
    expect(row!.updatedAt).toBe(stored("LDUPONT")!.values.UPDDATTIM);
  });

  test("a user without a row reads as null, whatever the case of the code", async () => {
    expect(await gateway.readSyncpar("MCLARK")).not.toBeNull();
    expect(await gateway.readSyncpar("mclark")).not.toBeNull();
    expect(await gateway.readSyncpar("NOBODY")).toBeNull();
  });
});

describe("writing SYNCPAR", () => {
  const wanted: Flags = { ...allFlags(true), TSKADXDLT: false, BAPADXDLT: false };

  test("creates a missing row through $template and $create with all 24 flags, CLLADXCRE No", async () => {
    expect(await gateway.readSyncpar("JSMITH")).toBeNull();
    const writes = await sentWrites(() => gateway.writeSyncpar("JSMITH", wanted));

    expect(writes).toHaveLength(1);
    expect(writes[0]!.method).toBe("POST");
    const body = writes[0]!.body as Record<string, unknown>;
    expect(body.SYPUSR).toBe("JSMITH");
    expect(body.CLLADXCRE).toBe(NO);
    for (const code of FLAG_CODES) expect(body[code]).toBe(encodeYesNo(wanted[code]));

    const row = stored("JSMITH")!;
    expect(row.values.CLLADXCRE).toBe(NO);
    expect(row.values.TSKADXDLT).toBe(NO);
    expect(row.values.COROTKCRE).toBe(YES);
    expect(row.values.UPDUSR).toBe("ADMIN");
    expect((await gateway.readSyncpar("JSMITH"))!.flags).toEqual(wanted);
  });

  test("updates only the changed flags, and a new $etag and UPDDATTIM come back", async () => {
    const before = (await gateway.readSyncpar("JSMITH"))!;
    const next: Flags = { ...before.flags, TSKADXDLT: true, COROTKCRE: false };
    let result: Awaited<ReturnType<X3Gateway["writeSyncpar"]>> | undefined;
    const writes = await sentWrites(async () => {
      result = await gateway.writeSyncpar("JSMITH", next);
    });

    expect(writes).toEqual([{ method: "PUT", body: { COROTKCRE: NO, TSKADXDLT: YES } }]);
    expect(result!.flags).toEqual(next);
    expect(result!.etag).not.toBe(before.etag);
    expect(result!.updatedAt).not.toBe(before.updatedAt);
    expect(stored("JSMITH")!.values.COROTKCRE).toBe(NO);
  });

  test("writing the same flags again sends nothing and keeps the $etag", async () => {
    const before = (await gateway.readSyncpar("JSMITH"))!;
    const writes = await sentWrites(() => gateway.writeSyncpar("JSMITH", before.flags));
    expect(writes).toEqual([]);
    expect(stored("JSMITH")!.etag).toBe(before.etag);
  });

  test("a CLLADXCRE left on Yes is put back to No, alone when the flags already match", async () => {
    expect(stored("MCLARK")!.values.CLLADXCRE).toBe(YES);
    const writes = await sentWrites(() => gateway.writeSyncpar("MCLARK", allFlags(true)));
    expect(writes).toEqual([{ method: "PUT", body: { CLLADXCRE: NO } }]);
    expect(stored("MCLARK")!.values.CLLADXCRE).toBe(NO);
  });

  test("with expectedEtag, a GESSYP edit made since is a conflict and nothing is written", async () => {
    const seen = (await gateway.readSyncpar("LDUPONT"))!;
    const edit = await callEmulator(emulator, folder, "PUT", "/__emulator/tables/SYNCPAR/LDUPONT", { body: { BAPADXCRE: YES } });
    expect(edit.status).toBe(200);
    const etagAfterEdit = stored("LDUPONT")!.etag;

    const error = await failure(gateway.writeSyncpar("LDUPONT", allFlags(false), { expectedEtag: seen.etag }));
    expect(error).toBeInstanceOf(X3ConflictError);
    const conflict = error as X3ConflictError;
    expect(conflict.kind).toBe("conflict");
    expect(conflict.transient).toBe(false);
    expect(conflict.current?.flags.BAPADXCRE).toBe(true);
    expect(stored("LDUPONT")!.etag).toBe(etagAfterEdit);

    // With the current tag the same write goes through.
    const written = await gateway.writeSyncpar("LDUPONT", allFlags(false), { expectedEtag: etagAfterEdit });
    expect(written.flags).toEqual(allFlags(false));
  });

  test("expectedEtag null (no row expected) conflicts with an existing row", async () => {
    const error = await failure(gateway.writeSyncpar("LDUPONT", allFlags(true), { expectedEtag: null }));
    expect(error).toBeInstanceOf(X3ConflictError);
  });

  test("a change slipping in between the read and the PUT is detected from the returned row", async () => {
    await gateway.writeSyncpar("LDUPONT", allFlags(false));
    const original = X3Transport.prototype.send;
    jest.spyOn(X3Transport.prototype, "send").mockImplementation(async function (this: X3Transport, method, url, operation, body) {
      if (method === "PUT") {
        // Someone saves GESSYP just before our PUT lands.
        emulator.app.x3Emulator.store.put("SYNCPAR", { ...stored("LDUPONT")!.values, TSKOTKCRE: YES }, "GESSYP");
      }
      return original.call(this, method, url, operation, body);
    });
    const wanted2: Flags = { ...allFlags(false), CORADXUPD: true };
    const error = await failure(gateway.writeSyncpar("LDUPONT", wanted2));
    expect(error).toBeInstanceOf(X3ConflictError);
    expect((error as X3ConflictError).current?.flags.TSKOTKCRE).toBe(true);
    expect((error as X3ConflictError).current?.flags.CORADXUPD).toBe(true);
  });
  test("a row created by someone else between our read and our POST is updated instead", async () => {
    const original = X3Transport.prototype.send;
    jest.spyOn(X3Transport.prototype, "send").mockImplementation(async function (this: X3Transport, method, url, operation, body) {
      if (method === "POST" && !stored("MCLARK2")) {
        // Another replica (or GESSYP) creates the row first: X3 refuses our duplicate under 200.
        emulator.app.x3Emulator.store.put("SYNCPAR", { SYPUSR: "MCLARK2", COROTKCRE: YES }, "GESSYP");
      }
      return original.call(this, method, url, operation, body);
    });
    await callEmulator(emulator, folder, "PUT", "/__emulator/tables/AUTILIS/MCLARK2", { body: { INTUSR: "Mary Clark (2)" } });
    const wanted2: Flags = { ...allFlags(false), TSKOTKUPD: true };
    const row = await gateway.writeSyncpar("MCLARK2", wanted2);
    expect(row.flags).toEqual(wanted2);
    expect(stored("MCLARK2")!.values.COROTKCRE).toBe(NO);
    expect(stored("MCLARK2")!.values.UPDUSR).toBe("ADMIN");
  });
});

describe("yes/no encoding", () => {
  test("a representation publishing booleans works with yesNo 'boolean'; the 1/2 default refuses to guess", async () => {
    const boolEmulator = await startTestEmulator(folder, { yesNo: "boolean" });
    const boolGateway = testGateway(boolEmulator.url, folder, { yesNo: "boolean" });
    const localMenuGateway = testGateway(boolEmulator.url, folder);
    try {
      const flags: Flags = { ...allFlags(false), COROTKCRE: true };
      const row = await boolGateway.writeSyncpar("JSMITH", flags);
      expect(row.flags).toEqual(flags);
      // Stored the X3 way regardless of the representation.
      expect(boolEmulator.app.x3Emulator.store.get("SYNCPAR", "JSMITH")!.values.COROTKCRE).toBe(YES);

      const error = await failure(localMenuGateway.readSyncpar("JSMITH"));
      expect(error).toBeInstanceOf(X3Error);
      expect((error as X3Error).kind).toBe("protocol");
    } finally {
      await boolGateway.close();
      await localMenuGateway.close();
      await boolEmulator.close();
    }
  });

  test("X3 refusing a value answers 200 with $diagnoses, and that is an error", async () => {
    // Booleans sent to a 1/2 representation: the emulator rejects them as X3 would, under HTTP 200.
    const wrongGateway = testGateway(emulator.url, folder, { yesNo: "boolean" });
    try {
      const error = await failure(wrongGateway.writeSyncpar("ADMIN", allFlags(true)));
      expect(error).toBeInstanceOf(X3Error);
      const x3 = error as X3Error;
      expect(x3.kind).toBe("diagnoses");
      expect(x3.status).toBe(200);
      expect(x3.transient).toBe(false);
      expect(x3.messages.join(" ")).toMatch(/invalid value true/);
      expect(stored("ADMIN")).toBeUndefined();
    } finally {
      await wrongGateway.close();
    }
  });
});
