/**
 * XML in and out for the emulated SOAP service. In: fast-xml-parser, hardened (no DOCTYPE, so no
 * entity tricks; XML's five entities and character references only; bounded size and depth), turned
 * into a small ordered tree whose names carry no prefix (Syracuse ignores them). Out: escaping for the
 * strings the emulator writes itself.
 */
import { XMLParser } from "fast-xml-parser";

export interface XmlElement {
  /** Local name: `wss:read` and `read` are the same element here. */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Text and CDATA content, trimmed. */
  readonly text: string;
}

export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
}

export interface XmlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 1024 * 1024, maxDepth: 64 };

/** fast-xml-parser's preserveOrder shape: one key per node (the tag, or `#text`), attributes under `:@`. */
type OrderedNode = Record<string, unknown>;

const parsers = new Map<number, XMLParser>();

function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (!parser) {
    parser = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: "",
      removeNSPrefix: true,
      // Values stay strings: "0012" is a code, not 12.
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      // An empty map: XML's predefined entities and character references, no HTML names. The runtime
      // takes a map here (OptionsBuilder: "typeof htmlEntities === 'object'"); the typings say boolean.
      htmlEntities: {} as unknown as boolean,
      maxNestedTags: maxDepth,
    });
    parsers.set(maxDepth, parser);
  }
  return parser;
}

/**
 * True when a DOCTYPE comes before the root element. It can only appear there, so walking the
 * prolog (declaration, comments, processing instructions) is exact.
 */
function hasDoctype(xml: string): boolean {
  let i = 0;
  for (;;) {
    while (i < xml.length && " \t\r\n\uFEFF".includes(xml.charAt(i))) i += 1;
    if (xml.startsWith("<?", i)) {
      const end = xml.indexOf("?>", i + 2);
      if (end < 0) return false;
      i = end + 2;
    } else if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i + 4);
      if (end < 0) return false;
      i = end + 3;
    } else {
      return xml.slice(i, i + 9).toUpperCase() === "<!DOCTYPE";
    }
  }
}

function toElement(name: string, node: OrderedNode): XmlElement {
  const content = node[name];
  const attrs = node[":@"];
  const children: XmlElement[] = [];
  let text = "";
  if (Array.isArray(content)) {
    for (const child of content as OrderedNode[]) {
      if ("#text" in child) {
        text += String(child["#text"]);
        continue;
      }
      const childName = Object.keys(child).find((k) => k !== ":@");
      if (childName !== undefined) children.push(toElement(childName, child));
    }
  }
  const attributes: Record<string, string> = {};
  if (attrs && typeof attrs === "object") {
    for (const [k, v] of Object.entries(attrs as Record<string, unknown>)) attributes[k] = String(v);
  }
  return { name, attributes, children, text: text.trim() };
}

/** The document's root element; XmlSyntaxError when it is not well-formed XML or breaks a limit. */
export function parseXml(xml: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (Buffer.byteLength(xml, "utf8") > limits.maxBytes) throw new XmlSyntaxError(`XML larger than ${limits.maxBytes} bytes`);
  if (hasDoctype(xml)) throw new XmlSyntaxError("DOCTYPE is not allowed");
  let nodes: unknown;
  try {
    nodes = parserFor(limits.maxDepth).parse(xml, true);
  } catch (error) {
    throw new XmlSyntaxError(`Malformed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const roots = (Array.isArray(nodes) ? (nodes as OrderedNode[]) : []).filter((n) => !("#text" in n));
  const root = roots[0];
  const rootName = root && Object.keys(root).find((k) => k !== ":@");
  if (!root || rootName === undefined || roots.length > 1) throw new XmlSyntaxError("Malformed XML: one root element expected");
  return toElement(rootName, root);
}

/** The first child of that local name, compared case-insensitively when asked (Syracuse takes `Key` for `key`). */
export function child(element: XmlElement, name: string, anyCase = false): XmlElement | undefined {
  return element.children.find((c) => c.name === name || (anyCase && c.name.toLowerCase() === name.toLowerCase()));
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** `xsi:nil="true"` (the prefix is gone by now). */
export function isNil(element: XmlElement | undefined): boolean {
  return element?.attributes.nil === "true" || element?.attributes.nil === "1";
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Escapes markup and drops the control characters XML 1.0 cannot carry (a value stored through api1 may hold one). */
export function escapeXml(value: string): string {
  let out = "";
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 && ch !== "\t" && ch !== "\n" && ch !== "\r") continue;
    out += ESCAPES[ch] ?? ch;
  }
  return out;
}

/** A CDATA section holding any text: a `]]>` inside is split across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.split("]]>").join("]]]]><![CDATA[>")}]]>`;
}
