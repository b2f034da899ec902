/**
 * An in-memory stand-in for X3's YSYP publication, at the level of the SOAP client: results are real
 * RESULT documents (parsed by our parser), refusals real X3SoapRefusals with French texts, and every
 * call is recorded so tests can count them and read what was sent.
 */
import { FLAG_CODES } from "../../../src/core/flags";
import type { SoapObjectService, SoapObjectResult } from "../../../src/x3/soap/client";
import { resolveSoapGatewayConfig, type SoapGatewayConfig } from "../../../src/x3/soap/config";
import type { SoapKey } from "../../../src/x3/soap/envelope";
import { parseObjectData } from "../../../src/x3/soap/payload";
import { X3SoapRefusal, type SoapResult } from "../../../src/x3/soap/response";
import { DEFAULT_XML_LIMITS, escapeXml } from "../../../src/x3/soap/xml";

export interface RecordedCall {
  readonly operation: string;
  readonly objectXml?: string;
  readonly keys?: readonly SoapKey[];
}

/** Flags split over two blocks, as a real screen might: the gateway must learn each one's group. */
export function groupOf(field: string): string {
  if (field === "SYPUSR") return "SYP0_1";
  if (field === "CLLADXCRE") return "SYP1_3";
  if (field === "WW_MODSTAMP") return "ADXTEC";
  return FLAG_CODES.indexOf(field as (typeof FLAG_CODES)[number]) < 12 ? "SYP1_1" : "SYP1_2";
}

export class FakeSyp implements SoapObjectService {
  readonly config;
  readonly rows = new Map<string, Map<string, string>>();
  readonly calls: RecordedCall[] = [];
  /** Whether CLLADXCRE is in the publication (the Invisible fields option). */
  publishClladxcre = false;
  /** Texts of refusals for the next calls of an operation (status 0, type 3). */
  readonly refuseNext = new Map<string, string[]>();
  describeAs: string | null = null;
  private stamp = 20250612093015;

  constructor(overrides: Partial<SoapGatewayConfig> = {}) {
    this.config = resolveSoapGatewayConfig({
      baseUrl: "http://127.0.0.1:9",
      auth: { kind: "basic", user: "u", password: "p" },
      poolAlias: "WSPOOL",
      language: "FRA",
      ...overrides,
    });
  }

  /** A row as GESSYP would create it: all flags No, unless given. */
  put(user: string, yes: readonly string[] = []): void {
    const row = new Map<string, string>([["SYPUSR", user]]);
    for (const c of [...FLAG_CODES, "CLLADXCRE"]) row.set(c, yes.includes(c) ? "2" : "1");
    row.set("WW_MODSTAMP", String(this.stamp++));
    this.rows.set(user, row);
  }

  count(operation?: string): number {
    return operation ? this.calls.filter((c) => c.operation === operation).length : this.calls.length;
  }

  async read(_publicName: string, keys: readonly SoapKey[]): Promise<SoapObjectResult> {
    this.calls.push({ operation: "read", keys });
    this.maybeRefuse("read");
    const row = this.rows.get(keys[0]?.value ?? "");
    if (!row) throw refusal(`Paramètres synchro : ${keys[0]?.value} Fiche inexistante`, "read");
    return this.result(row);
  }

  async modify(_publicName: string, keys: readonly SoapKey[], objectXml: string): Promise<SoapObjectResult> {
    this.calls.push({ operation: "modify", keys, objectXml });
    this.maybeRefuse("modify");
    const row = this.rows.get(keys[0]?.value ?? "");
    if (!row) throw refusal(`Paramètres synchro : ${keys[0]?.value} Fiche inexistante`, "modify");
    this.apply(row, objectXml, "modify");
    return this.result(row);
  }

  async save(_publicName: string, objectXml: string): Promise<SoapObjectResult> {
    this.calls.push({ operation: "save", objectXml });
    this.maybeRefuse("save");
    const data = parseObjectData(objectXml, "save", DEFAULT_XML_LIMITS);
    const user = data.fields.get("SYPUSR")?.value ?? "";
    if (this.rows.has(user)) throw refusal("Fiche déjà existante", "save");
    this.put(user);
    const row = this.rows.get(user)!;
    this.apply(row, objectXml, "save");
    return this.result(row);
  }

  async query(_publicName: string, keys: readonly SoapKey[], listSize: number): Promise<SoapObjectResult> {
    this.calls.push({ operation: "query", keys });
    this.maybeRefuse("query");
    const wanted = keys.find((k) => k.key === "SYPUSR")?.value;
    const users = [...this.rows.keys()].filter((u) => wanted === undefined || u === wanted).slice(0, listSize);
    const lins = users.map((u, i) => `<LIN NUM="${i + 1}"><FLD NAME="SYPUSR" TYPE="Char">${escapeXml(u)}</FLD></LIN>`).join("");
    const resultXml = `<RESULT>${lins}</RESULT>`;
    return { status: 1, messages: [], resultXml, data: parseObjectData(resultXml, "query", DEFAULT_XML_LIMITS) };
  }

  async getDescription(): Promise<SoapResult> {
    this.calls.push({ operation: "getDescription" });
    this.maybeRefuse("getDescription");
    return { status: 1, messages: [], resultXml: this.describeAs };
  }

  private maybeRefuse(operation: string): void {
    const text = this.refuseNext.get(operation)?.shift();
    if (text !== undefined) throw refusal(text, operation);
  }

  /** Like X3: a field in the wrong group, an unknown field or a value outside the local menu is refused. */
  private apply(row: Map<string, string>, objectXml: string, operation: string): void {
    const data = parseObjectData(objectXml, operation, DEFAULT_XML_LIMITS);
    for (const [name, field] of data.fields) {
      if (name === "CLLADXCRE" && !this.publishClladxcre) throw refusal(`Champ [${name}] non trouvé dans la description X3`, operation);
      if (!row.has(name)) throw refusal(`Champ [${name}] non trouvé dans la description X3`, operation);
      if (field.group !== groupOf(name)) throw refusal(`Groupe [${field.group}] inconnu`, operation);
      if (name !== "SYPUSR" && field.value !== "1" && field.value !== "2") throw refusal(`${name} : valeur incorrecte`, operation);
    }
    for (const [name, field] of data.fields) row.set(name, field.value);
    row.set("WW_MODSTAMP", String(this.stamp++));
  }

  private result(row: Map<string, string>): SoapObjectResult {
    const byGroup = new Map<string, string[]>();
    for (const [name, value] of row) {
      if (name === "CLLADXCRE" && !this.publishClladxcre) continue;
      const local = name !== "SYPUSR" && name !== "WW_MODSTAMP";
      // French labels, as X3 writes them with codeLang FRA: only the value may count.
      const attrs = local ? `MENULAB="${value === "2" ? "Oui" : "Non"}" MENULOCAL="1" NAME="${name}" TYPE="Integer"` : `NAME="${name}" TYPE="Char"`;
      const group = groupOf(name);
      byGroup.set(group, [...(byGroup.get(group) ?? []), `<FLD ${attrs}>${escapeXml(value)}</FLD>`]);
    }
    const resultXml = `<?xml version="1.0" encoding="UTF-8"?><RESULT>${[...byGroup].map(([g, f]) => `<GRP ID="${g}">${f.join("")}</GRP>`).join("")}</RESULT>`;
    return { status: 1, messages: [], resultXml, data: parseObjectData(resultXml, "result", DEFAULT_XML_LIMITS) };
  }
}

export function refusal(text: string, operation: string): X3SoapRefusal {
  return new X3SoapRefusal("X3 refused the call (status 0)", 0, [{ type: 3, message: text }], null, { operation: `${operation} YSYP`, status: 200 });
}
