/**
 * Raw SOAP calls to the emulator for the SOAP tests: envelopes written by hand (so each leniency
 * variant can be sent as is) and answers read into status, messages (following Axis hrefs) and
 * resultXml.
 */
import { Agent, request } from "undici";
import type { RunningX3Emulator } from "../../../src/x3/emulator";
import { SOAP_PATH } from "../../../src/x3/emulator/soap/routes";
import { child, parseXml, type XmlElement } from "../../../src/x3/emulator/soap/xml";
import { BASIC_ADMIN, type TestFolder } from "../fixture";

export const NS =
  'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" ' +
  'xmlns:wss="http://www.adonix.com/WSS"';

export function envelope(body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope ${NS}><soapenv:Header/>` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

const XML_CONFIG = "adxwss.optreturn=XML&amp;adxwss.beautify=true";

export function callContext(codeLang = "ENG", poolAlias = "SEED", requestConfig = XML_CONFIG): string {
  return (
    `<callContext xsi:type="wss:CAdxCallContext"><codeLang xsi:type="xsd:string">${codeLang}</codeLang>` +
    `<poolAlias xsi:type="xsd:string">${poolAlias}</poolAlias><poolId xsi:type="xsd:string"></poolId>` +
    `<requestConfig xsi:type="xsd:string">${requestConfig}</requestConfig></callContext>`
  );
}

export function keys(pairs: Record<string, string>): string {
  const items = Object.entries(pairs)
    .map(
      ([k, v]) =>
        `<item xsi:type="wss:CAdxParamKeyValue"><key xsi:type="xsd:string">${k}</key>` +
        `<value xsi:type="xsd:string">${v}</value></item>`,
    )
    .join("");
  const n = Object.keys(pairs).length;
  return `<objectKeys xsi:type="wss:ArrayOfCAdxParamKeyValue" soapenc:arrayType="wss:CAdxParamKeyValue[${n}]">${items}</objectKeys>`;
}

export interface Operation {
  readonly op: string;
  readonly publicName?: string;
  readonly lang?: string;
  readonly pool?: string;
  readonly requestConfig?: string;
  readonly keys?: Record<string, string>;
  /** Raw objectKeys element, for the leniency variants. */
  readonly rawKeys?: string;
  readonly objectXml?: string;
  readonly listSize?: number;
}

/** A canonical request envelope, as PHP's SoapClient or Axis would write it. */
export function operation(o: Operation): string {
  const parts = [
    callContext(o.lang, o.pool, o.requestConfig),
    `<publicName xsi:type="xsd:string">${o.publicName ?? "YSYP"}</publicName>`,
    o.rawKeys ?? (o.keys ? keys(o.keys) : ""),
    o.objectXml === undefined ? "" : `<objectXml xsi:type="xsd:string"><![CDATA[${o.objectXml}]]></objectXml>`,
    o.listSize === undefined ? "" : `<listSize xsi:type="xsd:int">${o.listSize}</listSize>`,
  ];
  return envelope(`<wss:${o.op} soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">${parts.join("")}</wss:${o.op}>`);
}

export function param(groups: Record<string, Record<string, string>>): string {
  const grp = Object.entries(groups)
    .map(([id, fields]) => `<GRP ID="${id}">${Object.entries(fields).map(([n, v]) => `<FLD NAME="${n}">${v}</FLD>`).join("")}</GRP>`)
    .join("");
  return `<PARAM>${grp}</PARAM>`;
}

export interface SoapAnswer {
  readonly http: number;
  readonly body: string;
  readonly status: number | undefined;
  readonly messages: { type: string; message: string }[];
  /** Undefined when nil. */
  readonly resultXml: string | undefined;
  readonly technicalInfos: string[];
  readonly fault: string | undefined;
}

export async function post(
  emulator: RunningX3Emulator,
  folder: TestFolder,
  body: string,
  headers: Record<string, string> = { ...BASIC_ADMIN, "content-type": "text/xml; charset=utf-8", soapaction: '""' },
): Promise<{ http: number; body: string }> {
  const agent = new Agent({ connect: { ca: folder.tls.ca } });
  try {
    const res = await request(`${emulator.url}${SOAP_PATH}`, { method: "POST", headers, body, dispatcher: agent });
    return { http: res.statusCode, body: await res.body.text() };
  } finally {
    await agent.close();
  }
}

export function readAnswer(http: number, body: string): SoapAnswer {
  const root = parseXml(body);
  const soapBody = child(root, "Body");
  const first = soapBody?.children[0];
  const fault = first?.name === "Fault" ? child(first, "faultstring")?.text : undefined;
  const ret = first?.children[0];
  const byId = new Map((soapBody?.children ?? []).filter((c) => c.attributes.id).map((c) => [c.attributes.id, c]));
  const messages = (ret && child(ret, "messages")?.children) ?? [];
  const resolved = messages.map((m): XmlElement | undefined => (m.attributes.href ? byId.get(m.attributes.href.slice(1)) : m));
  const resultXml = ret && child(ret, "resultXml");
  const status = ret && child(ret, "status");
  return {
    http,
    body,
    status: status ? Number(status.text) : undefined,
    messages: resolved.map((m) => ({ type: (m && child(m, "type")?.text) ?? "", message: (m && child(m, "message")?.text) ?? "" })),
    resultXml: resultXml && resultXml.attributes.nil !== "true" ? resultXml.text : undefined,
    technicalInfos: ((ret && child(ret, "technicalInfos")?.children) ?? []).map((c) => c.name),
    fault,
  };
}

export async function call(emulator: RunningX3Emulator, folder: TestFolder, o: Operation): Promise<SoapAnswer> {
  const res = await post(emulator, folder, operation(o));
  return readAnswer(res.http, res.body);
}

export interface Field {
  readonly group: string;
  readonly value: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** A record's fields by name, with their group, from `<RESULT><GRP ID><FLD NAME>`. */
export function fields(resultXml: string | undefined): Map<string, Field> {
  const out = new Map<string, Field>();
  if (resultXml === undefined) throw new Error("resultXml is nil");
  for (const grp of parseXml(resultXml).children) {
    for (const fld of grp.children) {
      out.set(fld.attributes.NAME ?? "", { group: grp.attributes.ID ?? "", value: fld.text, attributes: fld.attributes });
    }
  }
  return out;
}
