/**
 * XML in and out for the classic SOAP service, with fast-xml-parser hardened for a peer we do not
 * control: no DOCTYPE (SOAP 1.1 forbids one, and it is where billion-laughs and external entities
 * live), only the five XML entities and character references, a bounded size and depth, and every
 * failure a protocol X3Error instead of a crash.
 */
import { XMLParser, XMLValidator, type EntityDecoderOptions } from "fast-xml-parser";
import { X3Error } from "../errors";

/** A parsed element: attributes under "@_NAME", text under "#text", children by tag name. */
export type XmlNode = { readonly [key: string]: XmlValue };
export type XmlValue = string | XmlNode | readonly XmlValue[];

export interface XmlLimits {
  /** Characters; a SYNCPAR record or a page of users is a few kilobytes. */
  readonly maxLength: number;
  readonly maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxLength: 4 * 1024 * 1024, maxDepth: 40 };

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** One entity or character reference (`name` is what sits between `&` and `;`), or null when unknown. */
function decodeReference(name: string): string | null {
  const named = XML_ENTITIES[name];
  if (named !== undefined) return named;
  if (name.startsWith("#")) {
    const hex = name[1] === "x" || name[1] === "X";
    const digits = hex ? name.slice(2) : name.slice(1);
    const valid = digits.length > 0 && digits.length <= 8 && [...digits].every((ch) => (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(ch));
    if (!valid) return null;
    const code = Number.parseInt(digits, hex ? 16 : 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : null;
  }
  return null;
}

/** Replaces references in one text value the parser has already isolated; unknown ones stay as written. */
function decodeText(value: string): string {
  if (!value.includes("&")) return value;
  let out = "";
  let from = 0;
  for (let amp = value.indexOf("&"); amp !== -1; amp = value.indexOf("&", from)) {
    const semi = value.indexOf(";", amp + 1);
    // A reference is short; a far-away ';' belongs to something else.
    const decoded = semi !== -1 && semi - amp <= 12 ? decodeReference(value.slice(amp + 1, semi)) : null;
    if (decoded === null) {
      out += value.slice(from, amp + 1);
      from = amp + 1;
    } else {
      out += value.slice(from, amp) + decoded;
      from = semi + 1;
    }
  }
  return out + value.slice(from);
}

class DoctypeRefused extends Error {}

/**
 * fast-xml-parser's decoder hook: the five XML entities and character references, and nothing a
 * document declares — a DOCTYPE stops the parse.
 */
const xmlOnlyDecoder: EntityDecoderOptions = {
  setExternalEntities: () => undefined,
  addInputEntities: () => {
    throw new DoctypeRefused("a DOCTYPE declaration (not allowed in SOAP)");
  },
  reset: () => undefined,
  decode: decodeText,
  setXmlVersion: () => undefined,
};

function parserFor(maxDepth: number, trimValues: boolean): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    removeNSPrefix: true,
    // Values stay text: "0012" is a code, not a number, and status is compared as text.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: { enabled: true, maxEntityCount: 1, maxEntitySize: 1 },
    entityDecoder: xmlOnlyDecoder,
    maxNestedTags: maxDepth,
  });
}

/**
 * Parses one XML document, or throws a protocol X3Error saying what is wrong. `what` names the
 * document in the error ("the SOAP answer", "resultXml").
 */
export function parseXml(text: string, what: string, operation: string, limits: XmlLimits = DEFAULT_XML_LIMITS, trimValues = true): XmlNode {
  const fail = (why: string, cause?: unknown): X3Error =>
    new X3Error("protocol", `${what} is not usable XML: ${why}`, { operation, ...(cause === undefined ? {} : { cause }) });
  if (text.length > limits.maxLength) throw fail(`longer than ${limits.maxLength} characters`);
  if (text.trim() === "") throw fail("it is empty");
  // The validator checks well-formedness the parser tolerates (a truncated answer, a stray end tag).
  let verdict: ReturnType<typeof XMLValidator.validate>;
  try {
    verdict = XMLValidator.validate(text);
  } catch (error) {
    throw fail("it cannot be read", error);
  }
  if (verdict !== true) throw fail(`${verdict.err.msg} (line ${verdict.err.line})`);
  let parsed: unknown;
  try {
    parsed = parserFor(limits.maxDepth, trimValues).parse(text);
  } catch (error) {
    throw fail(error instanceof DoctypeRefused ? error.message : error instanceof Error ? error.message : "it cannot be read", error);
  }
  if (!isNode(parsed)) throw fail("no root element");
  return parsed;
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A child, or the children, of an element as a list: XML repeats a tag where JSON would use an array. */
export function children(node: XmlNode, name: string): XmlValue[] {
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly XmlValue[])] : [value as XmlValue];
}

export function firstChild(node: XmlNode, name: string): XmlValue | undefined {
  return children(node, name)[0];
}

export function attribute(node: XmlValue | undefined, name: string): string | undefined {
  if (!isNode(node)) return undefined;
  const value = node[`@_${name}`];
  return typeof value === "string" ? value : undefined;
}

/** The text of an element: a bare string, or "#text" beside attributes; "" for an empty element. */
export function textOf(value: XmlValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (isNode(value)) {
    const text = value["#text"];
    if (typeof text === "string") return text;
    if (Array.isArray(text)) return text.filter((t): t is string => typeof t === "string").join("");
    return "";
  }
  return undefined;
}

/** xsi:nil="true" (the prefix is gone once parsed). */
export function isNil(value: XmlValue | undefined): boolean {
  const nil = attribute(value, "nil");
  return nil === "true" || nil === "1";
}

/** Escapes text for element content and attribute values (both quotes included). */
export function escapeXml(value: string): string {
  let out = "";
  for (const ch of value) {
    if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === '"') out += "&quot;";
    else if (ch === "'") out += "&apos;";
    else out += ch;
  }
  return out;
}

/** A CDATA section holding any text: a "]]>" inside is split across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.split("]]>").join("]]]]><![CDATA[>")}]]>`;
}
