/**
 * The wire format against an independent SOAP implementation (see peerServer.ts): every operation we
 * use round-trips, status 0 included, and the modify answer is the whole record.
 */
import { allFlags, FLAG_CODES, type Flags } from "../../../src/core/flags";
import { X3Error } from "../../../src/x3/errors";
import { X3SoapRefusal } from "../../../src/x3/soap/response";
import { SoapSetupGateway } from "../../../src/x3/soap/setupGateway";
import { SoapUserDirectory } from "../../../src/x3/soap/userDirectory";
import { peerSuite } from "./peerServer";

const suite = peerSuite();
const client: typeof suite.client = (overrides) => suite.client(overrides);

const flagsWith = (yes: readonly string[]): Flags => ({ ...allFlags(false), ...Object.fromEntries(yes.map((c) => [c, true])) }) as Flags;

test("read round-trips, with the canonical headers and Basic credentials", async () => {
  suite.peer.syncpar.set("JDOE", new Map(FLAG_CODES.map((c) => [c, c === "COROTKCRE" ? "2" : "1"])));
  suite.peer.syncpar.get("JDOE")!.set("WW_MODSTAMP", "20250612093015");
  const row = await new SoapSetupGateway(client()).readSyncpar("jdoe");
  expect(row).toEqual({ userCode: "JDOE", flags: flagsWith(["COROTKCRE"]), etag: "20250612093015", updatedAt: null });
  const headers = suite.peer.headers[0]!;
  expect(headers["content-type"]).toBe("text/xml; charset=utf-8");
  expect(headers.soapaction).toBe('""');
  expect(headers.authorization).toBe(`Basic ${Buffer.from("wssyp:secret").toString("base64")}`);
});

test("a delivery from a base in a fresh process: modify sends what differs from the base and answers the whole record; a missing row is saved", async () => {
  const gateway = new SoapSetupGateway(client());
  suite.peer.syncpar.set("JDOE", new Map([...FLAG_CODES.map((c): [string, string] => [c, "1"]), ["WW_MODSTAMP", "1"]]));
  const base = { userCode: "JDOE", flags: allFlags(false), etag: null, updatedAt: null };
  suite.peer.syncpar.get("JDOE")!.set("TSKOTKDLT", "2"); // a GESSYP edit the caller has not seen

  const row = await gateway.writeSyncpar("JDOE", flagsWith(["BAPADXDLT", "COROTKCRE"]), { base });
  expect(row.flags).toEqual(flagsWith(["BAPADXDLT", "COROTKCRE", "TSKOTKDLT"]));
  expect(suite.peer.syncpar.get("JDOE")!.get("BAPADXDLT")).toBe("2");

  const created = await gateway.writeSyncpar("NEWUSER", flagsWith(["CORADXCRE"]));
  expect(created.flags).toEqual(flagsWith(["CORADXCRE"]));
  expect(suite.peer.syncpar.get("NEWUSER")?.get("CORADXCRE")).toBe("2");
  expect(suite.peer.syncpar.get("NEWUSER")?.has("CLLADXCRE")).toBe(false);
});

test("status 0 comes back as X3's words, each operation; a missing setup reads as null", async () => {
  const c = client();
  const error = await c.modify("YSYP", [{ key: "SYPUSR", value: "NOBODY" }], "<PARAM/>").then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(X3SoapRefusal);
  expect((error as X3Error).messages).toEqual(["Synchronization setup: NOBODY Record does not exist"]);
  expect(await new SoapSetupGateway(c).readSyncpar("NOBODY")).toBeNull();
  const query = await c.query("YSYP", [], 10);
  expect(query.data.rows).toEqual([]);
  expect((await c.getDescription("YSYP")).resultXml).toContain("ADXDESC");
});

test("an unknown pool is transient, an unknown publication permanent", async () => {
  const wrongPool = await client({ poolAlias: "NOPOOL" }).read("YSYP", [{ key: "SYPUSR", value: "X" }]).catch((e: unknown) => e as X3Error);
  expect([wrongPool instanceof X3SoapRefusal, (wrongPool as X3Error).transient]).toEqual([true, true]);
  const wrongPub = await client().read("ZZZ", [{ key: "SYPUSR", value: "X" }]).catch((e: unknown) => e as X3Error);
  expect((wrongPub as X3Error).transient).toBe(false);
  expect((wrongPub as X3Error).messages).toEqual(["Unknown web service (0)"]);
});

test("users: a query then a read of each, one at a time by default, e-mail from the read", async () => {
  suite.peer.users.set("ADMIN", { name: "Administrator", email: "admin@contoso.com" });
  suite.peer.users.set("JDOE", { name: "Jane Doe", email: "jdoe@contoso.com" });
  suite.peer.users.set("LDUPONT", { name: "Luc Dupont", email: "ldupont@contoso.com" });
  const directory = new SoapUserDirectory(client());
  const users = await directory.listUsers();
  expect(users).toEqual([
    { code: "ADMIN", name: "Administrator", email: "admin@contoso.com", language: null },
    { code: "JDOE", name: "Jane Doe", email: "jdoe@contoso.com", language: null },
    { code: "LDUPONT", name: "Luc Dupont", email: "ldupont@contoso.com", language: null },
  ]);
  expect(suite.peer.maxInFlight).toBe(1);
  expect(await directory.getUser("jdoe")).toEqual(users[1]);
  expect(await directory.getUser("NOBODY")).toBeNull();
});

test("users with a concurrency of 2: never more than two reads at once", async () => {
  for (let i = 0; i < 7; i++) suite.peer.users.set(`U${i}`, { name: `User ${i}`, email: `u${i}@contoso.com` });
  const users = await new SoapUserDirectory(client({ userReadConcurrency: 2 })).listUsers();
  expect(users.map((u) => u.code)).toEqual(["U0", "U1", "U2", "U3", "U4", "U5", "U6"]);
  expect(suite.peer.maxInFlight).toBe(2);
});
