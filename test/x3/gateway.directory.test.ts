import type { RunningX3Emulator } from "../../src/x3/emulator";
import type { X3Gateway } from "../../src/x3/gateway";
import { X3Transport } from "../../src/x3/transport";
import { callEmulator, emulatorSuite, testGateway, type TestFolder } from "./fixture";

let folder: TestFolder;
let emulator: RunningX3Emulator;
let gateway: X3Gateway;

emulatorSuite((suite) => ({ folder, emulator, gateway } = suite));

afterEach(() => jest.restoreAllMocks());

const gets = () => emulator.app.x3Emulator.requests.byMethod.GET ?? 0;

async function addUser(code: string, name: string, email: string): Promise<void> {
  const res = await callEmulator(emulator, folder, "PUT", `/__emulator/tables/AUTILIS/${code}`, {
    body: { INTUSR: name, ADDEML: email, LAN: "ENG" },
  });
  expect(res.status).toBe(200);
}

describe("users", () => {
  test("getUser maps USR, INTUSR, ADDEML and LAN; a blank language is null", async () => {
    expect(await gateway.getUser("ldupont")).toEqual({
      code: "LDUPONT",
      name: "Léa Dupont",
      email: "ldupont@contoso.com",
      language: "FRA",
    });
    expect(await gateway.getUser("NOBODY")).toBeNull();
    await callEmulator(emulator, folder, "PUT", "/__emulator/tables/AUTILIS/NOLANG", { body: { INTUSR: "No Lang", LAN: "" } });
    expect((await gateway.getUser("NOLANG"))?.language).toBeNull();
  });

  test("listUsers follows $links.$next page by page (count=2)", async () => {
    const paged = testGateway(emulator.url, folder, { pageSize: 2 });
    const urls: string[] = [];
    const original = X3Transport.prototype.send;
    jest.spyOn(X3Transport.prototype, "send").mockImplementation(async function (this: X3Transport, method, url, op, body) {
      urls.push(url);
      return original.call(this, method, url, op, body);
    });
    try {
      const before = gets();
      const users = await paged.listUsers();
      expect(users.map((u) => u.code)).toEqual(["ADMIN", "JSMITH", "LDUPONT", "MCLARK", "NOLANG"]);
      expect(gets() - before).toBe(3);
      expect(urls[0]).toContain("count=2");
      expect(urls[1]).toMatch(/offset=2/);

      await addUser("ZWILSON", "Zoe Wilson", "zwilson@contoso.com");
      urls.length = 0;
      expect((await paged.listUsers()).map((u) => u.code)).toEqual(["ADMIN", "JSMITH", "LDUPONT", "MCLARK", "NOLANG", "ZWILSON"]);
      expect(urls).toHaveLength(3);
      expect(urls[2]).toMatch(/offset=4/);
    } finally {
      await paged.close();
    }
  });

  test("findUsersByEmail ignores case on both sides", async () => {
    expect((await gateway.findUsersByEmail("JSmith@Contoso.COM")).map((u) => u.code)).toEqual(["JSMITH"]);
    await addUser("KBROWN", "Kim Brown", "K.Brown@Contoso.com");
    expect((await gateway.findUsersByEmail("k.brown@contoso.com")).map((u) => u.code)).toEqual(["KBROWN"]);
    expect(await gateway.findUsersByEmail("nobody@contoso.com")).toEqual([]);
    expect(await gateway.findUsersByEmail("  ")).toEqual([]);
  });

  test("an address with a quote is quoted safely, and a shared address returns every match", async () => {
    await addUser("SOBRIEN", "Sean O'Brien", "sean.o'brien@contoso.com");
    await addUser("SOBRIEN2", "Sean O'Brien (test)", "Sean.O'Brien@contoso.com");
    const found = await gateway.findUsersByEmail("sean.o'brien@contoso.com");
    expect(found.map((u) => u.code).sort()).toEqual(["SOBRIEN", "SOBRIEN2"]);
    // Not a prefix or pattern match.
    expect(await gateway.findUsersByEmail("sean.o'brien@contoso.co")).toEqual([]);
  });

  test("if X3 refuses the upper() filter, the lookup falls back to reading all users", async () => {
    await callEmulator(emulator, folder, "POST", "/__emulator/faults", {
      body: { kind: "diagnoses", count: 1, message: "Syntax error in where" },
    });
    expect((await gateway.findUsersByEmail("MCLARK@contoso.com")).map((u) => u.code)).toEqual(["MCLARK"]);
  });
});

describe("what the synchronization engine depends on", () => {
  test("user parameters AUSCRMA and AUSCRMF; blank or absent is null", async () => {
    expect(await gateway.userParameters("JSMITH")).toEqual({ AUSCRMA: "1", AUSCRMF: "REP01" });
    expect(await gateway.userParameters("LDUPONT")).toEqual({ AUSCRMA: "1", AUSCRMF: null });
    expect(await gateway.userParameters("MCLARK")).toEqual({ AUSCRMA: "5", AUSCRMF: null });
    expect(await gateway.userParameters("ADMIN")).toEqual({ AUSCRMA: null, AUSCRMF: null });
  });

  test("folder parameters are read at folder level only (blank company and site)", async () => {
    expect(await gateway.folderParameters()).toEqual({
      CRMSYNC: true,
      CRMSYNCCOR: true,
      CRMSYNCTSK: true,
      CRMSYNCCLL: true,
      CRMSYNCBAP: true,
    });
    // Company-level value: must not be taken for the folder's.
    await callEmulator(emulator, folder, "PUT", "/__emulator/tables/ADOVAL/FR01~~CRMSYNCCLL", { body: { VALEUR: "1" } });
    // Folder-level change, as in GESADP.
    await callEmulator(emulator, folder, "PUT", "/__emulator/tables/ADOVAL/~~CRMSYNCBAP", { body: { VALEUR: "1" } });
    const after = await gateway.folderParameters();
    expect(after.CRMSYNCCLL).toBe(true);
    expect(after.CRMSYNCBAP).toBe(false);
  });

  test("SYNCDATA rows of one user: type, action and key", async () => {
    const rows = await gateway.syncData("jsmith");
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.userCode === "JSMITH")).toBe(true);
    expect(rows).toContainEqual({ userCode: "JSMITH", type: "CLL", action: "A", key: "CLL000012" });
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(["COR", "TSK", "CLL", "BAP"]));
    expect(await gateway.syncData("LDUPONT")).toEqual([{ userCode: "LDUPONT", type: "TSK", action: "C", key: "TSK000061" }]);
    expect(await gateway.syncData("MCLARK")).toEqual([]);
  });

  test("an unknown SYNCDATA action is a protocol error, not silently dropped", async () => {
    await callEmulator(emulator, folder, "PUT", "/__emulator/tables/SYNCDATA/MCLARK~TSK~TSK000001", { body: { SYDATTTYP: "Z" } });
    await expect(gateway.syncData("MCLARK")).rejects.toMatchObject({ kind: "protocol" });
  });
});
