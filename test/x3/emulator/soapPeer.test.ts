/**
 * The wire format against an independent SOAP implementation: the `soap` package builds its client
 * from the WSDL the repository carries (the one the emulator serves) and calls the emulator's read,
 * modify, save and query over HTTPS with Basic authentication. What it parses is what a third-party
 * client would see; what the emulator writes is visible to api1 as well.
 */
import { Agent } from "node:https";
import * as soap from "soap";
import { SOAP_PATH } from "../../../src/x3/emulator/soap/routes";
import { WSDL_FILE } from "../../../src/x3/emulator/soap/wsdl";
import { BASIC_ADMIN, callEmulator, startTestEmulator, testFolder, type TestFolder } from "../fixture";
import type { RunningX3Emulator } from "../../../src/x3/emulator";

let folder: TestFolder;
let emulator: RunningX3Emulator;
let client: soap.Client;
let httpsAgent: Agent;

beforeAll(async () => {
  folder = await testFolder();
  emulator = await startTestEmulator(folder);
  httpsAgent = new Agent({ ca: folder.tls.ca });
  client = await soap.createClientAsync(WSDL_FILE, { endpoint: `${emulator.url}${SOAP_PATH}` });
  client.setSecurity(new soap.BasicAuthSecurity("admin", "admin"));
});

afterAll(async () => {
  httpsAgent?.destroy();
  await emulator?.close();
  await folder?.remove();
});

const CONTEXT = { codeLang: "ENG", poolAlias: "SEED", poolId: "", requestConfig: "adxwss.optreturn=XML" };

/** The parsed answer as node-soap gives it: a tree of objects; `$value` holds text, `attributes` the attributes. */
type Node = { readonly [name: string]: unknown };

function asNode(value: unknown): Node {
  if (typeof value !== "object" || value === null) throw new Error(`not an element: ${JSON.stringify(value)}`);
  return value as Node;
}

function list(value: unknown): Node[] {
  return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(asNode);
}

function attr(node: Node, name: string): unknown {
  return asNode(node.attributes)[name];
}

interface Result {
  status: number;
  messages: { type: string; message: string }[];
  /** node-soap parses a CDATA that holds an XML document into objects. */
  result: Node | undefined;
}

async function invoke(operation: "read" | "modify" | "save" | "query", args: Record<string, unknown>): Promise<Result> {
  const method = client[`${operation}Async`] as (a: unknown, o: unknown) => Promise<[unknown]>;
  const [answer] = await method({ callContext: CONTEXT, ...args }, { httpsAgent });
  const ret = asNode(asNode(answer)[`${operation}Return`]);
  const messages = list(asNode(ret.messages).messages).map((m) => ({ type: String(m.type), message: String(m.message) }));
  const resultXml = ret.resultXml === undefined ? undefined : asNode(ret.resultXml);
  const nil = resultXml === undefined || attr(resultXml, "xsi:nil") === "true";
  return {
    status: Number(asNode(ret.status).$value),
    messages,
    result: nil ? undefined : asNode(asNode(resultXml.$value).RESULT),
  };
}

/** name → { group, value, MENULAB } from `RESULT/GRP/FLD`. */
function record(result: Node | undefined): Map<string, { group: string; value: string; label: unknown }> {
  const out = new Map<string, { group: string; value: string; label: unknown }>();
  for (const grp of list(result?.GRP)) {
    for (const fld of list(grp.FLD)) {
      const value = String(fld.$value ?? "");
      out.set(String(attr(fld, "NAME")), { group: String(attr(grp, "ID")), value, label: attr(fld, "MENULAB") });
    }
  }
  return out;
}

const keys = (key: string, value: string) => ({ objectKeys: [{ key, value }] });

test("read: the whole record by group, local menus as 1/2 with their label, ADXTEC, no CLLADXCRE", async () => {
  const answer = await invoke("read", { publicName: "YSYP", ...keys("SYPUSR", "LDUPONT") });
  expect(answer.status).toBe(1);
  expect(answer.messages).toEqual([]);
  const fields = record(answer.result);
  expect(fields.get("SYPUSR")).toEqual({ group: "SYP0_1", value: "LDUPONT", label: undefined });
  expect(fields.get("COROTKCRE")).toEqual({ group: "SYP1_1", value: "2", label: "Yes" });
  expect(fields.get("CORADXCRE")).toMatchObject({ value: "1", label: "No" });
  expect(fields.get("BAPOTKCRE")?.group).toBe("SYP1_2");
  expect(fields.has("CLLADXCRE")).toBe(false);
  expect(fields.get("WW_MODSTAMP")?.value).toMatch(/^\d{14}$/);
});

test("read of a missing record: status 0 and X3's message through Axis href/multiRef", async () => {
  const answer = await invoke("read", { publicName: "YSYP", ...keys("SYPUSR", "NOBODY") });
  expect(answer.status).toBe(0);
  expect(answer.result).toBeUndefined();
  expect(answer.messages).toEqual([{ type: "3", message: "Synchronization setup: NOBODY Record does not exist" }]);
});

test("modify is partial, answers the whole record, and api1 sees the change", async () => {
  const objectXml = '<PARAM><GRP ID="SYP1_1"><FLD NAME="COROTKCRE" TYPE="Integer">1</FLD></GRP></PARAM>';
  const answer = await invoke("modify", { publicName: "YSYP", ...keys("SYPUSR", "LDUPONT"), objectXml });
  expect(answer.status).toBe(1);
  const fields = record(answer.result);
  expect(fields.get("COROTKCRE")).toMatchObject({ value: "1", label: "No" });
  expect(fields.get("TSKOTKCRE")?.value).toBe("2"); // not sent, kept
  expect(fields.get("OTKUSR")?.value).toBe("ldupont");

  const api1 = await callEmulator(emulator, folder, "GET", "/api1/x3/erp/SEED/SYNCPAR('LDUPONT')?representation=SYNCPAR.$details", {
    headers: BASIC_ADMIN,
  });
  expect((api1.json as Record<string, unknown>).COROTKCRE).toBe(1);
});

test("save creates a record once; a second save of the same key is refused", async () => {
  const objectXml =
    '<PARAM><GRP ID="SYP0_1"><FLD NAME="SYPUSR">JSMITH</FLD></GRP>' +
    '<GRP ID="SYP1_1"><FLD NAME="OTKUSR">jsmith</FLD><FLD NAME="TSKOTKCRE">2</FLD></GRP></PARAM>';
  const created = await invoke("save", { publicName: "YSYP", objectXml });
  expect(created.status).toBe(1);
  const fields = record(created.result);
  expect(fields.get("SYPUSR")?.value).toBe("JSMITH");
  expect(fields.get("TSKOTKCRE")?.value).toBe("2");
  expect(fields.get("COROTKCRE")?.value).toBe("1"); // not sent: the default
  expect(emulator.app.x3Emulator.store.get("SYNCPAR", "JSMITH")?.values.OTKUSR).toBe("jsmith");

  const again = await invoke("save", { publicName: "YSYP", objectXml });
  expect(again.status).toBe(0);
  expect(again.messages).toHaveLength(1);
  expect(again.messages[0]).toMatchObject({ type: "3" });
  expect(again.messages[0]?.message).toMatch(/JSMITH.*already exists/);
});

test("query: the users' left list, up to listSize, without the e-mail", async () => {
  const all = await invoke("query", { publicName: "YAUS", objectKeys: [], listSize: 10 });
  expect(all.status).toBe(1);
  const rows = list(all.result?.LIN);
  expect(rows.map((r) => attr(r, "NUM"))).toEqual(["1", "2", "3", "4"]);
  const first = list(rows[0]?.FLD).map((f) => [attr(f, "NAME"), f.$value]);
  expect(first).toEqual([
    ["USR", "ADMIN"],
    ["INTUSR", "X3 Administrator"],
  ]);

  const two = await invoke("query", { publicName: "YAUS", objectKeys: [], listSize: 2 });
  expect(list(two.result?.LIN)).toHaveLength(2);

  const one = await invoke("query", { publicName: "YSYP", ...keys("SYPUSR", "MCLARK"), listSize: 10 });
  expect(list(one.result?.LIN).map((r) => list(r.FLD).map((f) => f.$value))).toEqual([["MCLARK", "mclark"]]);
});
