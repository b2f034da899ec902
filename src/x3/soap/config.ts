/**
 * How to reach X3's classic SOAP web service, and the facts about a site's publications that X3-SOAP.md
 * could only infer ([I]): publication names, the group each field sits in, the wording of messages that
 * decide a retry. Everything has a default that fits the note and can be set by IT.
 */
import { resolveX3Connection, type ResolvedX3Connection, type X3ConnectionConfig } from "../config";
import { BUILT_IN_MESSAGES, mergeCatalogues, type MessageCatalogue } from "./messageCatalogue";
import { DEFAULT_XML_LIMITS, type XmlLimits } from "./xml";

export const SOAP_SERVICE_PATH = "/soap-generic/syracuse/collaboration/syracuse/CAdxWebServiceXmlCC";

/** Field name → group ID (GRP ID), for fields whose group X3 has not told us yet. */
export type FieldGroups = Readonly<Record<string, string>>;

export interface SoapGatewayConfig extends X3ConnectionConfig {
  /** The Classic SOAP pool's Alias (Syracuse): required, X3 answers nothing without it. */
  readonly poolAlias: string;
  /** X3 language of the calls: messages and MENULAB come back in it. Default ENG. */
  readonly language?: string;
  /** `requestConfig`; default asks for XML (`adxwss.optreturn=XML`), what the parser reads best. */
  readonly requestConfig?: string;
  /** GESAWE publication of the SYP object (GESSYP). Default YSYP. */
  readonly setupPublication?: string;
  /** GESAWE publication of the AUS object (users). Default YAUS. */
  readonly userPublication?: string;
  /** IT's override of field groups in the setup publication (see parseFieldGroups). */
  readonly setupGroups?: FieldGroups;
  /** Extra message texts per language (see messageCatalogue.ts). */
  readonly messages?: MessageCatalogue;
  /** Users listed by one `query` at most. */
  readonly userListSize?: number;
  /** Reads of users at once while listing; X3 pools are small (1 or 2). */
  readonly userReadConcurrency?: number;
  /** Largest SOAP answer accepted, in bytes. */
  readonly maxResponseBytes?: number;
}

export interface ResolvedSoapGatewayConfig extends ResolvedX3Connection {
  readonly serviceUrl: string;
  readonly poolAlias: string;
  readonly language: string;
  readonly requestConfig: string;
  readonly setupPublication: string;
  readonly userPublication: string;
  readonly setupGroups: FieldGroups;
  readonly messages: MessageCatalogue;
  readonly userListSize: number;
  readonly userReadConcurrency: number;
  readonly maxResponseBytes: number;
  readonly xmlLimits: XmlLimits;
}

/** GESAWE allows letters, digits and underscore ([S] 10 characters or fewer, LM); we only refuse what cannot be a name. */
const NAME = /^[A-Za-z0-9_]{1,30}$/;

function name(what: string, value: string | undefined, fallback: string): string {
  const v = (value ?? fallback).trim();
  if (!NAME.test(v)) throw new RangeError(`X3 SOAP: ${what} ${JSON.stringify(v)} is not a valid name`);
  return v;
}

function whole(what: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`X3 SOAP: ${what} must be a whole number from ${min} to ${max}`);
  return v;
}

export function resolveSoapGatewayConfig(config: SoapGatewayConfig): ResolvedSoapGatewayConfig {
  const connection = resolveX3Connection(config);
  const poolAlias = (config.poolAlias ?? "").trim();
  if (!poolAlias) throw new RangeError("X3 SOAP: the pool alias is required (the Classic SOAP pool's Alias in Syracuse)");
  const language = name("language", config.language, "ENG").toUpperCase();
  if (!/^[A-Z]{2,3}$/.test(language)) throw new RangeError(`X3 SOAP: language ${language} is not an X3 language code (ENG, FRA…)`);
  for (const [field, group] of Object.entries(config.setupGroups ?? {})) {
    name("field", field, "");
    name(`group of ${field}`, group, "");
  }
  const maxResponseBytes = whole("maxResponseBytes", config.maxResponseBytes, 4 * 1024 * 1024, 1024, 256 * 1024 * 1024);
  return {
    ...connection,
    serviceUrl: `${connection.baseUrl}${SOAP_SERVICE_PATH}`,
    poolAlias,
    language,
    requestConfig: config.requestConfig ?? "adxwss.optreturn=XML",
    setupPublication: name("setup publication", config.setupPublication, "YSYP"),
    userPublication: name("user publication", config.userPublication, "YAUS"),
    setupGroups: Object.fromEntries(Object.entries(config.setupGroups ?? {}).map(([f, g]) => [f.trim().toUpperCase(), g.trim()])),
    messages: mergeCatalogues(BUILT_IN_MESSAGES, config.messages),
    userListSize: whole("userListSize", config.userListSize, 1000, 1, 100_000),
    userReadConcurrency: whole("userReadConcurrency", config.userReadConcurrency, 1, 1, 4),
    maxResponseBytes,
    // Characters ≤ bytes for UTF-8, so the byte bound also bounds the text.
    xmlLimits: { ...DEFAULT_XML_LIMITS, maxLength: maxResponseBytes },
  };
}

/**
 * IT's field-group override as one setting, e.g. X3_SOAP_SETUP_GROUPS="SYP1_1:COROTKCRE,CORADXCRE;SYP0_1:SYPUSR"
 * (group, a colon, its fields; groups separated by semicolons). Throws a RangeError naming the bad part.
 */
export function parseFieldGroups(setting: string): FieldGroups {
  const out: Record<string, string> = {};
  for (const part of setting.split(";").map((p) => p.trim()).filter((p) => p !== "")) {
    const colon = part.indexOf(":");
    if (colon <= 0) throw new RangeError(`X3 SOAP setup groups: "${part}" must be GROUP:FIELD,FIELD…`);
    const group = part.slice(0, colon).trim();
    if (!NAME.test(group)) throw new RangeError(`X3 SOAP setup groups: "${group}" is not a group ID`);
    const fields = part.slice(colon + 1).split(",").map((f) => f.trim().toUpperCase()).filter((f) => f !== "");
    if (fields.length === 0) throw new RangeError(`X3 SOAP setup groups: group ${group} lists no field`);
    for (const field of fields) {
      if (!NAME.test(field)) throw new RangeError(`X3 SOAP setup groups: "${field}" is not a field name`);
      if (out[field] !== undefined && out[field] !== group) throw new RangeError(`X3 SOAP setup groups: ${field} is given two groups`);
      out[field] = group;
    }
  }
  return out;
}
