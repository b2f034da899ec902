/**
 * The wire format against an independent SOAP implementation: the `soap` package hosts a server built
 * from X3's WSDL (the repository's copy), answering from small in-test SYNCPAR and AUS tables, and our
 * client talks to it over HTTP. `soap` serializes its own way (repeated <messages> elements instead of
 * Axis multiRefs, entity-escaped resultXml instead of CDATA): our reader must take it as it comes.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import * as soap from "soap";
import { allFlags, FLAG_CODES, type Flags } from "../../../src/core/flags";
import { X3Error } from "../../../src/x3/errors";
import { X3SoapClient } from "../../../src/x3/soap/client";
import type { SoapGatewayConfig } from "../../../src/x3/soap/config";
import { X3SoapRefusal } from "../../../src/x3/soap/response";
import { SoapSetupGateway } from "../../../src/x3/soap/setupGateway";
import { SoapUserDirectory } from "../../../src/x3/soap/userDirectory";

const SERVICE_PATH = "/soap-generic/syracuse/collaboration/syracuse/CAdxWebServiceXmlCC";
const wsdl = readFileSync(join(__dirname, "fixtures", "CAdxWebServiceXmlCC.wsdl"), "utf8");

/** soap's view of a part: a string, or { attributes, $value } when typed; nothing when empty. */
type Part = string | { $value?: string; [k: string]: unknown } | undefined;
const val = (p: unknown): string => (typeof p === "string" ? p : typeof p === "object" && p !== null && typeof (p as { $value?: unknown }).$value === "string" ? ((p as { $value: string }).$value) : "");

interface Args {
  callContext: { poolAlias?: Part; codeLang?: Part };
  publicName: Part;
  objectKeys?: { item?: unknown };
  objectXml?: Part;
  listSize?: Part;
}

function keysOf(args: Args): Map<string, string> {
  const items = args.objectKeys?.item;
  const list = Array.isArray(items) ? items : items === undefined ? [] : [items];
  return new Map(list.map((i: { key?: unknown; value?: unknown }) => [val(i.key), val(i.value)]));
}

const FLAG_GROUP = (f: string): string => (FLAG_CODES.indexOf(f as never) < 12 ? "SYP1_1" : "SYP1_2");
const paramParser = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === "GRP" || n === "FLD", parseTagValue: false });

/** The peer's tables and what it saw. */
class Peer {
  syncpar = new Map<string, Map<string, string>>();
  users = new Map<string, { name: string; email: string }>();
  headers: IncomingMessage["headers"][] = [];
  inFlight = 0;
  maxInFlight = 0;
  stamp = 20250101000000;

  refuse(op: string, text: string) {
    return { [`${op}Return`]: { messages: [{ message: text, type: "3" }], status: 0 } };
  }

  ok(op: string, resultXml: string) {
    return { [`${op}Return`]: { messages: [], resultXml: `<?xml version="1.0" encoding="UTF-8"?>${resultXml}`, status: 1 } };
  }

  record(user: string): string {
    const row = this.syncpar.get(user)!;
    const fld = (n: string) => `<FLD MENULAB="${row.get(n) === "2" ? "Yes" : "No"}" MENULOCAL="1" NAME="${n}" TYPE="Integer">${row.get(n)}</FLD>`;
    return (
      `<RESULT><GRP ID="SYP0_1"><FLD NAME="SYPUSR" TYPE="Char">${user}</FLD></GRP>` +
      `<GRP ID="SYP1_1">${FLAG_CODES.slice(0, 12).map(fld).join("")}</GRP><GRP ID="SYP1_2">${FLAG_CODES.slice(12).map(fld).join("")}</GRP>` +
      `<GRP ID="ADXTEC"><FLD NAME="WW_MODSTAMP" TYPE="Char">${row.get("WW_MODSTAMP")}</FLD></GRP></RESULT>`
    );
  }

  /** A PARAM's fields, refusing (like X3) a field in a group where it is not. */
  apply(row: Map<string, string>, objectXml: string): string | null {
    const doc = paramParser.parse(objectXml) as { PARAM?: { GRP?: { "@_ID": string; FLD?: { "@_NAME": string; "#text"?: string }[] }[] } };
    for (const grp of doc.PARAM?.GRP ?? []) {
      for (const fld of grp.FLD ?? []) {
        const name = fld["@_NAME"];
        const expected = name === "SYPUSR" ? "SYP0_1" : FLAG_GROUP(name);
        if (!FLAG_CODES.includes(name as never) && name !== "SYPUSR") return `Field [${name}] not found into X3 description.`;
        if (grp["@_ID"] !== expected) return `Group [${grp["@_ID"]}] unknown`;
        row.set(name, fld["#text"] ?? "");
      }
    }
    row.set("WW_MODSTAMP", String(this.stamp++));
    return null;
  }

  check(op: string, args: Args, req: IncomingMessage | undefined): ReturnType<Peer["refuse"]> | null {
    if (req) this.headers.push(req.headers);
    if (val(args.callContext.poolAlias) !== "WSPOOL") return this.refuse(op, `No classic web service pool match to '${val(args.callContext.poolAlias)}'`);
    const pub = val(args.publicName);
    if (pub !== "YSYP" && pub !== "YAUS") return this.refuse(op, "Unknown web service (0)");
    return null;
  }

  service() {
    const handle = (op: string, body: (args: Args) => object) => async (args: Args, _cb: unknown, _headers: unknown, req?: IncomingMessage) => {
      const refused = this.check(op, args, req);
      if (refused) return refused;
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return body(args);
      } finally {
        this.inFlight--;
      }
    };
    return {
      read: handle("read", (args) => {
        if (val(args.publicName) === "YAUS") {
          const code = keysOf(args).get("USR") ?? "";
          const u = this.users.get(code);
          if (!u) return this.refuse("read", `User: ${code} Record does not exist`);
          return this.ok("read", `<RESULT><GRP ID="AUS0_1"><FLD NAME="USR" TYPE="Char">${code}</FLD><FLD NAME="INTUSR" TYPE="Char">${u.name}</FLD></GRP><GRP ID="AUS1_1"><FLD NAME="ADDEML" TYPE="Char">${u.email}</FLD></GRP></RESULT>`);
        }
        const user = keysOf(args).get("SYPUSR") ?? "";
        return this.syncpar.has(user) ? this.ok("read", this.record(user)) : this.refuse("read", `Synchronization setup: ${user} Record does not exist`);
      }),
      modify: handle("modify", (args) => {
        const user = keysOf(args).get("SYPUSR") ?? "";
        const row = this.syncpar.get(user);
        if (!row) return this.refuse("modify", `Synchronization setup: ${user} Record does not exist`);
        const error = this.apply(row, val(args.objectXml));
        return error ? this.refuse("modify", error) : this.ok("modify", this.record(user));
      }),
      save: handle("save", (args) => {
        const row = new Map<string, string>(FLAG_CODES.map((c) => [c, "1"]));
        const error = this.apply(row, val(args.objectXml));
        if (error) return this.refuse("save", error);
        const user = row.get("SYPUSR") ?? "";
        if (this.syncpar.has(user)) return this.refuse("save", "Record that already exists");
        row.delete("SYPUSR");
        this.syncpar.set(user, row);
        return this.ok("save", this.record(user));
      }),
      query: handle("query", (args) => {
        const size = Number(val(args.listSize));
        if (val(args.publicName) === "YAUS") {
          const lins = [...this.users].slice(0, size).map(([c, u], i) => `<LIN NUM="${i + 1}"><FLD NAME="USR">${c}</FLD><FLD NAME="INTUSR">${u.name}</FLD></LIN>`);
          return this.ok("query", `<RESULT>${lins.join("")}</RESULT>`);
        }
        const wanted = keysOf(args).get("SYPUSR");
        const users = [...this.syncpar.keys()].filter((u) => wanted === undefined || u === wanted).slice(0, size);
        return this.ok("query", `<RESULT>${users.map((u, i) => `<LIN NUM="${i + 1}"><FLD NAME="SYPUSR">${u}</FLD></LIN>`).join("")}</RESULT>`);
      }),
      getDescription: handle("getDescription", () =>
        this.ok(
          "getDescription",
          `<ADXDESC><GRP NAM="SYP0_1"><FLD NAM="SYPUSR" TYP="Char"/></GRP><GRP NAM="SYP1_1">${FLAG_CODES.slice(0, 12).map((c) => `<FLD NAM="${c}"/>`).join("")}</GRP><GRP NAM="SYP1_2">${FLAG_CODES.slice(12).map((c) => `<FLD NAM="${c}"/>`).join("")}</GRP></ADXDESC>`,
        ),
      ),
    };
  }
}

let server: Server;
let peer: Peer;
let baseUrl: string;
const clients: X3SoapClient[] = [];

function client(overrides: Partial<SoapGatewayConfig> = {}): X3SoapClient {
  const c = new X3SoapClient({ baseUrl, auth: { kind: "basic", user: "wssyp", password: "secret" }, poolAlias: "WSPOOL", retries: 0, ...overrides });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  peer = new Peer();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  soap.listen(server, SERVICE_PATH, { CAdxWebServiceXmlCCService: { CAdxWebServiceXmlCC: peer.service() } }, wsdl);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const flagsWith = (yes: readonly string[]): Flags => ({ ...allFlags(false), ...Object.fromEntries(yes.map((c) => [c, true])) }) as Flags;

test("read round-trips, with the canonical headers and Basic credentials", async () => {
  peer.syncpar.set("JDOE", new Map(FLAG_CODES.map((c) => [c, c === "COROTKCRE" ? "2" : "1"])));
  peer.syncpar.get("JDOE")!.set("WW_MODSTAMP", "20250612093015");
  const row = await new SoapSetupGateway(client()).readSyncpar("jdoe");
  expect(row).toEqual({ userCode: "JDOE", flags: flagsWith(["COROTKCRE"]), etag: "20250612093015", updatedAt: null });
  const headers = peer.headers[0]!;
  expect(headers["content-type"]).toBe("text/xml; charset=utf-8");
  expect(headers.soapaction).toBe('""');
  expect(headers.authorization).toBe(`Basic ${Buffer.from("wssyp:secret").toString("base64")}`);
});

test("a delivery: getDescription once for groups, then modify answers the whole record; a missing row is saved", async () => {
  const gateway = new SoapSetupGateway(client());
  peer.syncpar.set("JDOE", new Map([...FLAG_CODES.map((c): [string, string] => [c, "1"]), ["WW_MODSTAMP", "1"]]));
  const base = { userCode: "JDOE", flags: allFlags(false), etag: null, updatedAt: null };
  peer.syncpar.get("JDOE")!.set("TSKOTKDLT", "2"); // a GESSYP edit the caller has not seen

  const row = await gateway.writeSyncpar("JDOE", flagsWith(["BAPADXDLT", "COROTKCRE"]), { base });
  expect(row.flags).toEqual(flagsWith(["BAPADXDLT", "COROTKCRE", "TSKOTKDLT"]));
  expect(peer.syncpar.get("JDOE")!.get("BAPADXDLT")).toBe("2");

  const created = await gateway.writeSyncpar("NEWUSER", flagsWith(["CORADXCRE"]));
  expect(created.flags).toEqual(flagsWith(["CORADXCRE"]));
  expect(peer.syncpar.get("NEWUSER")?.get("CORADXCRE")).toBe("2");
  expect(peer.syncpar.get("NEWUSER")?.has("CLLADXCRE")).toBe(false);
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
  peer.users.set("ADMIN", { name: "Administrator", email: "admin@contoso.com" });
  peer.users.set("JDOE", { name: "Jane Doe", email: "jdoe@contoso.com" });
  peer.users.set("LDUPONT", { name: "Luc Dupont", email: "ldupont@contoso.com" });
  const directory = new SoapUserDirectory(client());
  const users = await directory.listUsers();
  expect(users).toEqual([
    { code: "ADMIN", name: "Administrator", email: "admin@contoso.com", language: null },
    { code: "JDOE", name: "Jane Doe", email: "jdoe@contoso.com", language: null },
    { code: "LDUPONT", name: "Luc Dupont", email: "ldupont@contoso.com", language: null },
  ]);
  expect(peer.maxInFlight).toBe(1);
  expect(await directory.getUser("jdoe")).toEqual(users[1]);
  expect(await directory.getUser("NOBODY")).toBeNull();
});

test("users with a concurrency of 2: never more than two reads at once", async () => {
  for (let i = 0; i < 7; i++) peer.users.set(`U${i}`, { name: `User ${i}`, email: `u${i}@contoso.com` });
  const users = await new SoapUserDirectory(client({ userReadConcurrency: 2 })).listUsers();
  expect(users.map((u) => u.code)).toEqual(["U0", "U1", "U2", "U3", "U4", "U5", "U6"]);
  expect(peer.maxInFlight).toBe(2);
});
