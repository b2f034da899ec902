/** SoapSetupGateway against an in-memory YSYP: calls per delivery, partial modify, save when missing, groups. */
import { allFlags, FLAG_CODES, type Flags } from "../../../src/core/flags";
import { parseFieldGroups } from "../../../src/x3/soap/config";
import { parseObjectData } from "../../../src/x3/soap/payload";
import { SoapSetupGateway } from "../../../src/x3/soap/setupGateway";
import { DEFAULT_XML_LIMITS } from "../../../src/x3/soap/xml";
import { FakeSyp, groupOf } from "./fakeSyp";
import { failure } from "./helpers";

const with_ = (base: Flags, changes: Partial<Record<string, boolean>>): Flags => ({ ...base, ...changes }) as Flags;

/** The fields a save/modify sent, with their groups. */
function sent(x3: FakeSyp, index = -1): Map<string, string> {
  const call = x3.calls.at(index);
  const data = parseObjectData(call?.objectXml ?? "", "test", DEFAULT_XML_LIMITS);
  return new Map([...data.fields].map(([name, f]) => [name, `${f.group}=${f.value}`]));
}


test("read: X3's row, values by number whatever MENULAB says in French; user codes upper-cased", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE", ["COROTKCRE", "BAPADXDLT"]);
  const gateway = new SoapSetupGateway(x3);
  const row = await gateway.readSyncpar(" jdoe ");
  expect(row?.userCode).toBe("JDOE");
  expect(row?.flags).toEqual(with_(allFlags(false), { COROTKCRE: true, BAPADXDLT: true }));
  expect(row?.etag).toMatch(/^\d{14}$/);
  expect(x3.calls).toEqual([{ operation: "read", keys: [{ key: "SYPUSR", value: "JDOE" }] }]);
});

test("read of a user without a row: null, proved by a query that answers without it (no wording used)", async () => {
  const x3 = new FakeSyp();
  x3.put("OTHER");
  const gateway = new SoapSetupGateway(x3);
  expect(await gateway.readSyncpar("JDOE")).toBeNull();
  expect(x3.calls.map((c) => c.operation)).toEqual(["read", "query"]);
});

test("a refused read whose user the query does show is X3's refusal, not 'no row'", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE");
  x3.refuseNext.set("read", ["Accès refusé à la fonction GESSYP"]);
  const error = await failure(new SoapSetupGateway(x3).readSyncpar("JDOE"));
  expect(error.messages).toEqual(["Accès refusé à la fonction GESSYP"]);
  expect(error.transient).toBe(false);
});

test("a seen row: one modify per delivery, only the differing flags, each in the group X3 showed", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE");
  const gateway = new SoapSetupGateway(x3);
  const seen = await gateway.readSyncpar("JDOE");
  x3.calls.length = 0;

  const wanted = with_(seen!.flags, { COROTKCRE: true, BAPADXDLT: true });
  const row = await gateway.writeSyncpar("JDOE", wanted);
  expect(x3.calls.map((c) => c.operation)).toEqual(["modify"]);
  expect(sent(x3)).toEqual(new Map([["COROTKCRE", `${groupOf("COROTKCRE")}=2`], ["BAPADXDLT", `${groupOf("BAPADXDLT")}=2`]]));
  expect(groupOf("COROTKCRE")).not.toBe(groupOf("BAPADXDLT"));
  expect(row.flags).toEqual(wanted);

  // The next delivery starts from the modify's answer: still one call.
  await gateway.writeSyncpar("JDOE", with_(wanted, { COROTKCRE: false }));
  expect(x3.calls.map((c) => c.operation)).toEqual(["modify", "modify"]);
  expect([...sent(x3).keys()]).toEqual(["COROTKCRE"]);
});

test("a GESSYP edit to another flag between two deliveries survives, and the answer shows it", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE");
  const gateway = new SoapSetupGateway(x3);
  const seen = (await gateway.readSyncpar("JDOE"))!;
  x3.rows.get("JDOE")!.set("TSKOTKCRE", "2"); // someone in GESSYP

  const row = await gateway.writeSyncpar("JDOE", with_(seen.flags, { CORADXUPD: true }));
  expect([...sent(x3).keys()]).toEqual(["CORADXUPD"]);
  expect(row.flags.TSKOTKCRE).toBe(true);
  expect(row.flags.CORADXUPD).toBe(true);
  expect(x3.rows.get("JDOE")!.get("TSKOTKCRE")).toBe("2");
});

test("an explicit base from the caller: one call even in a fresh gateway, groups from IT's setting", async () => {
  const x3 = new FakeSyp({ setupGroups: parseFieldGroups(`SYP1_1:${FLAG_CODES.slice(0, 12).join(",")};SYP1_2:${FLAG_CODES.slice(12).join(",")};SYP0_1:SYPUSR`) });
  x3.put("JDOE");
  const base = { userCode: "JDOE", flags: allFlags(false), etag: null, updatedAt: null };
  const row = await new SoapSetupGateway(x3).writeSyncpar("JDOE", with_(base.flags, { TSKADXDLT: true }), { base });
  expect(x3.calls.map((c) => c.operation)).toEqual(["modify"]);
  expect(row.flags.TSKADXDLT).toBe(true);
});

test("a base in a fresh process, groups unknown: the user's read teaches them once; the diff stays against the base", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE", ["TSKOTKDLT"]); // a GESSYP edit the caller's base does not show
  const gateway = new SoapSetupGateway(x3);
  const base = { userCode: "JDOE", flags: allFlags(false), etag: null, updatedAt: null };
  const row = await gateway.writeSyncpar("JDOE", with_(base.flags, { TSKADXDLT: true }), { base });
  expect([...sent(x3).keys()]).toEqual(["TSKADXDLT"]);
  expect(row.flags.TSKOTKDLT).toBe(true);
  await gateway.writeSyncpar("JDOE", with_(row.flags, { CORADXCRE: true }));
  expect(x3.calls.map((c) => c.operation)).toEqual(["read", "modify", "modify"]);
});

test("nothing differs from the base: one read, and X3's row (GESSYP edits included) is returned, nothing written", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE", ["TSKOTKDLT"]);
  const base = { userCode: "JDOE", flags: allFlags(false), etag: null, updatedAt: null };
  const row = await new SoapSetupGateway(x3).writeSyncpar("JDOE", allFlags(false), { base });
  expect(x3.calls.map((c) => c.operation)).toEqual(["read"]);
  expect(row.flags.TSKOTKDLT).toBe(true);
});

test("a save with no group known: getDescription fills them once, tolerant of its layout", async () => {
  const x3 = new FakeSyp();
  const flds = (codes: readonly string[]) => codes.map((c) => `<FLD NAM="${c}" TYP="Integer"/>`).join("");
  x3.describeAs = `<ADXDESC><ADXKEY><FLD NAM="SYPUSR"/></ADXKEY><GRP NAM="SYP0_1" DIM="1"><FLD NAM="SYPUSR"/></GRP><GRP NAM="SYP1_1">${flds(FLAG_CODES.slice(0, 12))}</GRP><GRP NAM="SYP1_2">${flds(FLAG_CODES.slice(12))}</GRP></ADXDESC>`;
  const gateway = new SoapSetupGateway(x3);
  await gateway.writeSyncpar("JDOE", allFlags(true), { base: null });
  await gateway.writeSyncpar("LDUPONT", allFlags(false), { base: null });
  expect(x3.calls.map((c) => c.operation)).toEqual(["getDescription", "save", "save"]);
});

test("a save with no group known and no description: any record X3 lists teaches them", async () => {
  const x3 = new FakeSyp();
  x3.put("OTHER");
  await new SoapSetupGateway(x3).writeSyncpar("JDOE", allFlags(true), { base: null });
  expect(x3.calls.map((c) => c.operation)).toEqual(["getDescription", "query", "read", "save"]);
  expect(x3.rows.get("JDOE")?.get("COROTKCRE")).toBe("2");
});

test("no group known anywhere: a permanent error naming the fields and the setting", async () => {
  const x3 = new FakeSyp();
  const error = await failure(new SoapSetupGateway(x3).writeSyncpar("JDOE", allFlags(true), { base: null }));
  expect(error.transient).toBe(false);
  expect(error.message).toContain("SYPUSR, COROTKCRE");
  expect(error.message).toContain("X3_SOAP_SETUP_GROUPS");
  expect(x3.count("save")).toBe(0);
});

test("never seen and missing in X3: read refused, then a full save (two calls), CLLADXCRE never sent", async () => {
  const x3 = new FakeSyp();
  x3.put("OTHER");
  const gateway = new SoapSetupGateway(x3);
  await gateway.readSyncpar("OTHER"); // groups come from any user's read
  x3.calls.length = 0;

  const wanted = with_(allFlags(false), { COROTKCRE: true });
  const row = await gateway.writeSyncpar("jdoe", wanted);
  expect(x3.calls.map((c) => c.operation)).toEqual(["read", "save"]);
  const fields = sent(x3);
  expect(fields.get("SYPUSR")).toBe("SYP0_1=JDOE");
  expect(fields.size).toBe(1 + FLAG_CODES.length);
  expect(fields.has("CLLADXCRE")).toBe(false);
  expect(row.flags).toEqual(wanted);
});

test("never seen and present: read then modify of what differs (two calls)", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE", ["COROTKCRE"]);
  const row = await new SoapSetupGateway(x3).writeSyncpar("JDOE", with_(allFlags(false), { COROTKCRE: true, CLLOTKDLT: true }));
  expect(x3.calls.map((c) => c.operation)).toEqual(["read", "modify"]);
  expect([...sent(x3).keys()]).toEqual(["CLLOTKDLT"]);
  expect(row.flags.CLLOTKDLT).toBe(true);
});

test("caller says there is no row: one save", async () => {
  const x3 = new FakeSyp({ setupGroups: { SYPUSR: "SYP0_1", ...Object.fromEntries(FLAG_CODES.map((c) => [c, groupOf(c)])) } });
  await new SoapSetupGateway(x3).writeSyncpar("JDOE", allFlags(true), { base: null });
  expect(x3.calls.map((c) => c.operation)).toEqual(["save"]);
  expect(x3.rows.get("JDOE")?.get("BAPADXCRE")).toBe("2");
});

test("a row deleted in X3 since it was seen: the refused modify is followed by a save X3 accepts", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE");
  const gateway = new SoapSetupGateway(x3);
  const seen = (await gateway.readSyncpar("JDOE"))!;
  x3.rows.delete("JDOE");
  x3.calls.length = 0;
  const row = await gateway.writeSyncpar("JDOE", with_(seen.flags, { COROTKUPD: true }));
  expect(x3.calls.map((c) => c.operation)).toEqual(["modify", "save"]);
  expect(row.flags.COROTKUPD).toBe(true);
});

test("a modify refused for a real reason: the save is refused too, a re-read finds the row, and X3's modify words are reported", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE");
  const gateway = new SoapSetupGateway(x3);
  const seen = (await gateway.readSyncpar("JDOE"))!;
  x3.calls.length = 0;
  x3.refuseNext.set("modify", ["Valeur non autorisée par le paramétrage"]);
  const error = await failure(gateway.writeSyncpar("JDOE", with_(seen.flags, { COROTKUPD: true })));
  expect(x3.calls.map((c) => c.operation)).toEqual(["modify", "save", "read"]);
  expect(error.messages).toEqual(["Valeur non autorisée par le paramétrage"]);
  expect(error.transient).toBe(false);
});

test("a locked record (French text, FRA call) is transient: thrown at once, no save tried", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE");
  const gateway = new SoapSetupGateway(x3);
  const seen = (await gateway.readSyncpar("JDOE"))!;
  x3.calls.length = 0;
  const { X3SoapRefusal } = await import("../../../src/x3/soap/response");
  const locked = new X3SoapRefusal("X3 refused the call (status 0)", 0, [{ type: 3, message: "Fiche en cours de modification" }], "locked", { operation: "modify YSYP(JDOE)", status: 200 });
  jest.spyOn(x3, "modify").mockRejectedValueOnce(locked);
  const error = await failure(gateway.writeSyncpar("JDOE", with_(seen.flags, { COROTKUPD: true })));
  expect(error.transient).toBe(true);
  expect(x3.count("save")).toBe(0);
});

test("CLLADXCRE published (Invisible fields) or not: read either way, never sent", async () => {
  for (const published of [false, true]) {
    const x3 = new FakeSyp();
    x3.publishClladxcre = published;
    x3.put("JDOE", ["CLLADXCRE"]);
    const gateway = new SoapSetupGateway(x3);
    const seen = (await gateway.readSyncpar("JDOE"))!;
    expect("CLLADXCRE" in seen.flags).toBe(false);
    await gateway.writeSyncpar("JDOE", allFlags(true));
    expect(sent(x3).has("CLLADXCRE")).toBe(false);
    expect(sent(x3).size).toBe(FLAG_CODES.length);
  }
});

test("a publication without some flags: a permanent error naming them", async () => {
  const x3 = new FakeSyp();
  x3.put("JDOE");
  x3.rows.get("JDOE")!.delete("TSKADXDLT");
  const error = await failure(new SoapSetupGateway(x3).readSyncpar("JDOE"));
  expect(error.kind).toBe("protocol");
  expect(error.message).toContain("lacks the fields TSKADXDLT");
});

test("X3_SOAP_SETUP_GROUPS: parsed, upper-cased, and refused with a reason when malformed", () => {
  expect(parseFieldGroups(" SYP1_1: corotkcre , CORADXCRE ; SYP0_1:SYPUSR ")).toEqual({ COROTKCRE: "SYP1_1", CORADXCRE: "SYP1_1", SYPUSR: "SYP0_1" });
  expect(() => parseFieldGroups("SYP1_1")).toThrow(/GROUP:FIELD/);
  expect(() => parseFieldGroups("SYP 1:X")).toThrow(/not a group ID/);
  expect(() => parseFieldGroups("A:X;B:X")).toThrow(/two groups/);
  expect(() => parseFieldGroups("A:")).toThrow(/lists no field/);
});

test("MENULAB never decides: a label saying 'Oui' over value 1 is No, 'Non' over 2 is Yes", async () => {
  const x3 = new FakeSyp();
  const flds = FLAG_CODES.map((c) => `<FLD MENULAB="${c === "COROTKCRE" ? "Non" : "Oui"}" MENULOCAL="1" NAME="${c}" TYPE="Integer">${c === "COROTKCRE" ? 2 : 1}</FLD>`).join("");
  const resultXml = `<RESULT><GRP ID="SYP0_1"><FLD NAME="SYPUSR" TYPE="Char">JDOE</FLD></GRP><GRP ID="SYP1_1">${flds}</GRP></RESULT>`;
  jest.spyOn(x3, "read").mockResolvedValueOnce({ status: 1, messages: [], resultXml, data: parseObjectData(resultXml, "read", DEFAULT_XML_LIMITS) });
  const row = await new SoapSetupGateway(x3).readSyncpar("JDOE");
  expect(row?.flags).toEqual(with_(allFlags(false), { COROTKCRE: true }));
});
