/**
 * An independent peer for the SOAP client's tests: the `soap` package hosts a server built from X3's
 * WSDL (the repository's copy), answering from small in-test SYNCPAR and AUS tables. `soap` serializes
 * its own way (repeated <messages> elements instead of Axis multiRefs, entity-escaped resultXml instead
 * of CDATA): our reader must take it as it comes.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import * as soap from "soap";
import { FLAG_CODES } from "../../../src/core/flags";
import { X3SoapClient } from "../../../src/x3/soap/client";
import type { SoapGatewayConfig } from "../../../src/x3/soap/config";

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
export class Peer {
  syncpar = new Map<string, Map<string, string>>();
  users = new Map<string, { name: string; email: string }>();
  headers: IncomingMessage["headers"][] = [];
  inFlight = 0;
  maxInFlight = 0;
  stamp = 20250101000000;
  /** Fields left out of YSYP's description (a publication missing them). */
  describeWithout: string[] = [];

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
      getDescription: handle("getDescription", (args) => {
        if (val(args.publicName) === "YAUS") {
          return this.ok("getDescription", `<ADXDESC><GRP NAM="AUS0_1"><FLD NAM="USR"/><FLD NAM="INTUSR"/></GRP><GRP NAM="AUS1_1"><FLD NAM="ADDEML"/></GRP></ADXDESC>`);
        }
        const flds = (codes: readonly string[]) => codes.filter((c) => !this.describeWithout.includes(c)).map((c) => `<FLD NAM="${c}"/>`).join("");
        return this.ok(
          "getDescription",
          `<ADXDESC><GRP NAM="SYP0_1"><FLD NAM="SYPUSR" TYP="Char"/></GRP><GRP NAM="SYP1_1">${flds(FLAG_CODES.slice(0, 12))}</GRP><GRP NAM="SYP1_2">${flds(FLAG_CODES.slice(12))}</GRP></ADXDESC>`,
        );
      }),
    };
  }
}

export interface PeerSuite {
  readonly peer: Peer;
  /** A client of the peer (closed after the test), with the test's overrides. */
  client(overrides?: Partial<SoapGatewayConfig>): X3SoapClient;
}

/** A fresh peer on 127.0.0.1 (port 0) for each test of the file. */
export function peerSuite(): PeerSuite {
  let server: Server;
  let peer: Peer;
  let baseUrl: string;
  const clients: X3SoapClient[] = [];
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
  return {
    get peer() {
      return peer;
    },
    client(overrides = {}) {
      const c = new X3SoapClient({ baseUrl, auth: { kind: "basic", user: "wssyp", password: "secret" }, poolAlias: "WSPOOL", retries: 0, ...overrides });
      clients.push(c);
      return c;
    },
  };
}

