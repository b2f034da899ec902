/**
 * Reads a SOAP 1.1 request as leniently as Syracuse appears to (X3-SOAP.md §1.1, §2.1, §10): the
 * operation is the local name of the Body's first child; prefixes and xsi:type are ignored; poolId
 * and requestConfig may be absent; `objectKeys` may be items of any name, bare key/value pairs,
 * capitalised Key/Value, or Axis href/multiRef. What is not a SOAP envelope is a SoapFaultError.
 */
import { child, isNil, parseXml, XmlSyntaxError, type XmlElement, type XmlLimits } from "./xml";

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface CallContext {
  readonly codeLang: string | undefined;
  readonly poolAlias: string | undefined;
  readonly poolId: string | undefined;
  /** `requestConfig`'s `name=value` options, names in lower case. */
  readonly requestConfig: ReadonlyMap<string, string>;
}

export interface SoapCall {
  /** As sent; it may be no operation of the WSDL. */
  readonly operation: string;
  readonly callContext: CallContext;
  readonly publicName: string;
  readonly objectKeys: readonly KeyValue[];
  readonly objectXml: string | undefined;
  readonly listSize: number | undefined;
}

/** A request the service cannot read: answered with a SOAP Fault. */
export class SoapFaultError extends Error {
  override readonly name = "SoapFaultError";
  constructor(
    readonly faultcode: "Client" | "Server",
    message: string,
  ) {
    super(message);
  }
}

/** Axis may send any part as `href="#id"` to a `multiRef` sibling of the operation element. */
type Resolve = (element: XmlElement | undefined) => XmlElement | undefined;

function resolver(body: XmlElement): Resolve {
  const byId = new Map<string, XmlElement>();
  for (const c of body.children) if (c.attributes.id) byId.set(c.attributes.id, c);
  return (element) => {
    const href = element?.attributes.href;
    return href?.startsWith("#") ? (byId.get(href.slice(1)) ?? element) : element;
  };
}

function textOf(element: XmlElement | undefined): string | undefined {
  return element === undefined || isNil(element) ? undefined : element.text;
}

function parseRequestConfig(raw: string | undefined): Map<string, string> {
  const options = new Map<string, string>();
  for (const pair of (raw ?? "").split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0) options.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
  }
  return options;
}

function isNamed(element: XmlElement, name: string): boolean {
  return element.name.toLowerCase() === name;
}

function readObjectKeys(keys: XmlElement | undefined, resolve: Resolve): KeyValue[] {
  if (!keys || isNil(keys)) return [];
  const pairs: KeyValue[] = [];
  if (keys.children.some((c) => isNamed(c, "key"))) {
    // Bare <key/><value/> pairs right under objectKeys: a value belongs to the key before it.
    let pending: string | undefined;
    for (const c of keys.children) {
      if (isNamed(c, "key")) {
        if (pending !== undefined) pairs.push({ key: pending, value: "" });
        pending = textOf(resolve(c)) ?? "";
      } else if (isNamed(c, "value") && pending !== undefined) {
        pairs.push({ key: pending, value: textOf(resolve(c)) ?? "" });
        pending = undefined;
      }
    }
    if (pending !== undefined) pairs.push({ key: pending, value: "" });
    return pairs;
  }
  for (const c of keys.children) {
    const item = resolve(c);
    if (!item) continue;
    const key = textOf(resolve(child(item, "key", true)));
    if (key !== undefined) pairs.push({ key, value: textOf(resolve(child(item, "value", true))) ?? "" });
  }
  return pairs;
}

export function parseSoapRequest(xml: string, limits?: XmlLimits): SoapCall {
  let envelope: XmlElement;
  try {
    envelope = parseXml(xml, limits);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new SoapFaultError("Client", error.message);
    throw error;
  }
  if (envelope.name !== "Envelope") throw new SoapFaultError("Client", "Not a SOAP envelope");
  const body = child(envelope, "Body");
  const call = body?.children[0];
  if (!body || !call) throw new SoapFaultError("Client", "The SOAP Body has no operation");
  const resolve = resolver(body);
  const part = (name: string): XmlElement | undefined => resolve(child(call, name));

  const context = part("callContext");
  const ctx = (name: string): string | undefined => textOf(context && resolve(child(context, name)));
  const listSize = textOf(part("listSize"));
  const size = listSize === undefined || listSize === "" ? undefined : Number(listSize);
  return {
    operation: call.name,
    callContext: {
      codeLang: ctx("codeLang"),
      poolAlias: ctx("poolAlias"),
      poolId: ctx("poolId"),
      requestConfig: parseRequestConfig(ctx("requestConfig")),
    },
    publicName: textOf(part("publicName")) ?? "",
    objectKeys: readObjectKeys(part("objectKeys"), resolve),
    objectXml: textOf(part("objectXml")),
    listSize: size !== undefined && Number.isInteger(size) ? size : undefined,
  };
}
