/**
 * Reading CAdxWebServiceXmlCC's answers (X3-SOAP.md §4, §9): the HTTP status, a SOAP Fault, or the
 * `<op>Return` (CAdxResultXml) with its status, messages and resultXml. Tolerant of how a server
 * serializes the encoded message array — Axis `href="#id0"` pointing at a `multiRef` sibling, items
 * inline, or repeated `messages` elements — because only the fields' names are certain.
 */
import type { X3Diagnosis } from "../errors";
import { X3Error } from "../errors";
import type { SoapOperation } from "./envelope";
import { categorize, TRANSIENT_CATEGORIES, type MessageCatalogue, type MessageCategory } from "./messageCatalogue";
import { attribute, children, firstChild, isNil, isNode, parseXml, textOf, type XmlLimits, type XmlNode, type XmlValue } from "./xml";

/** One CAdxMessage: `type` 1 information, 2 warning, 3 (or more) error. */
export interface SoapMessage {
  readonly type: number;
  readonly message: string;
}

/** A CAdxResultXml whose status said success. */
export interface SoapResult {
  readonly status: number;
  /** Informations and warnings can come with success (X3-SOAP.md §4 [S]). */
  readonly messages: readonly SoapMessage[];
  /** The object payload as X3 sent it; null when nil or absent. */
  readonly resultXml: string | null;
}

/**
 * X3 answered status 0 (or anything but 1): a refusal, with X3's own words. `category` is what the
 * message catalogue recognised in the call's language, null when nothing was recognised.
 */
export class X3SoapRefusal extends X3Error {
  override readonly name: string = "X3SoapRefusal";
  constructor(
    message: string,
    readonly soapStatus: number,
    readonly soapMessages: readonly SoapMessage[],
    readonly category: MessageCategory | null,
    details: { operation: string; status: number },
  ) {
    super("diagnoses", message, {
      ...details,
      diagnoses: refusalDiagnoses(soapMessages),
      // Only a recognised locked record or pool outage may pass with time; see messageCatalogue.ts.
      transient: category !== null && TRANSIENT_CATEGORIES.has(category),
    });
  }
}

const SEVERITIES: Readonly<Record<number, string>> = { 1: "info", 2: "warning", 3: "error" };

function refusalDiagnoses(messages: readonly SoapMessage[]): X3Diagnosis[] {
  const errors = messages.filter((m) => m.type >= 3);
  // No type-3 message: still show what X3 said rather than nothing.
  return (errors.length > 0 ? errors : messages).map((m) => ({ severity: SEVERITIES[m.type] ?? "error", message: m.message }));
}

export interface ReadAnswerOptions {
  readonly operation: SoapOperation;
  /** Names the call in errors, e.g. "read YSYP(JDOE)". */
  readonly label: string;
  readonly language: string;
  readonly catalogue: MessageCatalogue;
  readonly limits: XmlLimits;
}

/** An excerpt of a non-SOAP body safe to show: one line, short, tags left as they are (never parsed). */
function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function bodyOf(envelope: XmlNode): XmlNode | null {
  const env = firstChild(envelope, "Envelope");
  if (!isNode(env)) return null;
  const body = firstChild(env, "Body");
  return isNode(body) ? body : null;
}

/** multiRef elements by id, wherever the server put them under Body. */
function referencedNodes(body: XmlNode): Map<string, XmlNode> {
  const byId = new Map<string, XmlNode>();
  const visit = (value: XmlValue, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(value)) {
      for (const v of value as readonly XmlValue[]) visit(v, depth + 1);
      return;
    }
    if (!isNode(value)) return;
    const id = attribute(value, "id");
    if (id !== undefined && !byId.has(id)) byId.set(id, value);
    for (const [key, child] of Object.entries(value)) if (!key.startsWith("@_")) visit(child, depth + 1);
  };
  visit(body, 0);
  return byId;
}

/** Every CAdxMessage under `node`, following hrefs; a `type`/`message` pair is one message. */
function collectMessages(node: XmlValue | undefined, refs: Map<string, XmlNode>, out: SoapMessage[], depth = 0): void {
  if (node === undefined || depth > 8 || out.length >= 100) return;
  if (Array.isArray(node)) {
    for (const n of node as readonly XmlValue[]) collectMessages(n, refs, out, depth + 1);
    return;
  }
  if (!isNode(node)) return;
  const href = attribute(node, "href");
  if (href !== undefined) {
    const target = refs.get(href.startsWith("#") ? href.slice(1) : href);
    // A reference to itself, or to something holding it, ends at the depth limit.
    if (target) collectMessages(target, refs, out, depth + 1);
    return;
  }
  if (node.message !== undefined || node.type !== undefined) {
    const message = textOf(firstChild(node, "message")) ?? "";
    const rawType = (textOf(firstChild(node, "type")) ?? "").trim();
    // An unreadable type is taken as an error: better to show it than to hide it.
    const type = /^\d+$/.test(rawType) ? Number(rawType) : 3;
    out.push({ type, message: message.trim() });
    return;
  }
  for (const [key, child] of Object.entries(node)) if (!key.startsWith("@_") && key !== "#text") collectMessages(child, refs, out, depth + 1);
}

/** The `<op>Return` element: by name, or the one child of the response holding a status. */
function returnOf(body: XmlNode, operation: SoapOperation): XmlNode | null {
  const response = firstChild(body, `${operation}Response`);
  if (!isNode(response)) return null;
  const named = firstChild(response, `${operation}Return`);
  if (isNode(named)) return named;
  for (const [key, child] of Object.entries(response)) {
    if (!key.startsWith("@_") && isNode(child) && child.status !== undefined) return child;
  }
  return null;
}

function faultError(fault: XmlNode, status: number, label: string): X3Error {
  const code = (textOf(firstChild(fault, "faultcode")) ?? "").trim();
  const text = (textOf(firstChild(fault, "faultstring")) ?? "").trim();
  // SOAP 1.1 §4.4.1: a Server fault may succeed later, a Client fault (or any other) will not unchanged.
  const local = code.includes(":") ? code.slice(code.indexOf(":") + 1) : code;
  const transient = local.split(".")[0] === "Server";
  return new X3Error("soapFault", `SOAP Fault ${code || "(no faultcode)"} (HTTP ${status})`, {
    operation: label,
    status,
    transient,
    diagnoses: text ? [{ severity: "error", message: text }] : [],
  });
}

/** Errors for an HTTP status that is not 2xx and carries no SOAP answer. */
function httpError(status: number, text: string, label: string): X3Error {
  const said = excerpt(text);
  const diagnoses = said ? [{ severity: "error", message: said }] : [];
  if (status === 401 || status === 403) {
    const what = status === 401 ? "X3 refused the credentials" : "the X3 user lacks the rights for this";
    return new X3Error("auth", `${what} (HTTP ${status})`, { operation: label, status, diagnoses });
  }
  if (status === 404) {
    return new X3Error("notFound", "no classic SOAP web service at this address (HTTP 404); check X3_BASE_URL", { operation: label, status, diagnoses });
  }
  if (status === 408 || status === 429 || status >= 500) {
    // "No Web services accepted" (the host has no web-service child processes) comes as a 500 ([C] OH-SOAP).
    const hint = status >= 500 ? "; if X3 says no web services are accepted, give the host web-service child processes" : "";
    return new X3Error(status === 408 ? "timeout" : "unavailable", `X3 is unavailable or busy (HTTP ${status})${hint}`, { operation: label, status, diagnoses });
  }
  return new X3Error("protocol", `X3 refused the request (HTTP ${status})`, { operation: label, status, diagnoses });
}

/**
 * The verdict on one answer: the result when `status` is 1, else an X3Error. HTTP 200 alone proves
 * nothing (X3 reports business errors with 200 and status 0).
 */
export function readSoapAnswer(httpStatus: number, text: string, options: ReadAnswerOptions): SoapResult {
  const { label } = options;
  const looksXml = text.trimStart().startsWith("<");
  if (httpStatus === 401 || httpStatus === 403 || !looksXml) {
    if (httpStatus >= 200 && httpStatus < 300) {
      throw new X3Error("protocol", `X3's answer is not XML (HTTP ${httpStatus}): ${excerpt(text) || "an empty body"}`, { operation: label, status: httpStatus });
    }
    throw httpError(httpStatus, text, label);
  }
  let envelope: XmlNode;
  try {
    envelope = parseXml(text, "X3's SOAP answer", label, options.limits);
  } catch (error) {
    // A proxy's or X3's own HTML error page on a 5xx is still a 5xx.
    if (httpStatus < 200 || httpStatus >= 300) throw httpError(httpStatus, text, label);
    throw error;
  }
  const body = bodyOf(envelope);
  if (!body) {
    if (httpStatus < 200 || httpStatus >= 300) throw httpError(httpStatus, text, label);
    throw new X3Error("protocol", "X3's answer is XML but not a SOAP envelope", { operation: label, status: httpStatus });
  }
  const fault = firstChild(body, "Fault");
  if (isNode(fault)) throw faultError(fault, httpStatus, label);
  if (httpStatus < 200 || httpStatus >= 300) throw httpError(httpStatus, text, label);

  const result = returnOf(body, options.operation);
  if (!result) throw new X3Error("protocol", `X3's answer has no ${options.operation}Return`, { operation: label, status: httpStatus });
  const rawStatus = (textOf(firstChild(result, "status")) ?? "").trim();
  if (!/^-?\d+$/.test(rawStatus)) {
    throw new X3Error("protocol", `X3's answer has no readable status (${JSON.stringify(rawStatus.slice(0, 20))})`, { operation: label, status: httpStatus });
  }
  const status = Number(rawStatus);
  const messages: SoapMessage[] = [];
  collectMessages(children(result, "messages"), referencedNodes(body), messages);

  if (status !== 1) {
    const errors = messages.filter((m) => m.type >= 3).map((m) => m.message);
    const category = categorize(options.catalogue, options.language, errors.length > 0 ? errors : messages.map((m) => m.message));
    const what = messages.length > 0 ? "X3 refused the call" : "X3 refused the call without a message";
    throw new X3SoapRefusal(`${what} (status ${status})`, status, messages, category, { operation: label, status: httpStatus });
  }
  const resultNode = firstChild(result, "resultXml");
  const resultXml = resultNode === undefined || isNil(resultNode) ? null : (textOf(resultNode) ?? null);
  return { status, messages, resultXml };
}
