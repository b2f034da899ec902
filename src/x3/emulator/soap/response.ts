/**
 * The SOAP answers, Axis-style as Syracuse writes them (X3-SOAP.md §4, §9): `<op>Response/<op>Return`
 * of type CAdxResultXml, messages as `href`s to `multiRef` siblings with `type` a string, `resultXml`
 * in CDATA or nil, all 19 technicalInfos; and the SOAP Fault for what is not a readable request.
 */
import { cdata, escapeXml } from "./xml";

export const SOAP_CONTENT_TYPE = "text/xml; charset=utf-8";

const ENC = "http://schemas.xmlsoap.org/soap/encoding/";
const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  `xmlns:soapenc="${ENC}" xmlns:wss="http://www.adonix.com/WSS">\n<soapenv:Body>\n`;
const ENVELOPE_CLOSE = "</soapenv:Body>\n</soapenv:Envelope>\n";

/** "1" information, "2" warning, "3" error (§4). */
export type MessageType = "1" | "2" | "3";

export interface X3Message {
  readonly type: MessageType;
  readonly message: string;
}

export interface X3Result {
  readonly status: 0 | 1;
  readonly messages: readonly X3Message[];
  /** Absent: `xsi:nil`, as on every failure. */
  readonly resultXml?: string;
}

export interface Timings {
  readonly waitMs: number;
  readonly execMs: number;
  readonly totalMs: number;
  readonly poolEntryIdx: number;
}

function typed(name: string, type: string, value: string | number | boolean | null): string {
  if (value === null) return `<${name} xsi:type="xsd:${type}" xsi:nil="true"/>`;
  return `<${name} xsi:type="xsd:${type}">${escapeXml(String(value))}</${name}>`;
}

function technicalInfos(t: Timings): string {
  const fields: [string, string, string | number | boolean | null][] = [
    ["busy", "boolean", false],
    ["changeLanguage", "boolean", false],
    // The channel switches to the authenticated user on every call (X3-SOAP.md §1.2).
    ["changeUserId", "boolean", true],
    ["flushAdx", "boolean", false],
    ["loadWebsDuration", "double", 0],
    ["nbDistributionCycle", "int", -1],
    ["poolDistribDuration", "double", 0],
    ["poolEntryIdx", "int", t.poolEntryIdx],
    ["poolExecDuration", "double", Math.round(t.execMs)],
    ["poolRequestDuration", "double", -1],
    ["poolWaitDuration", "double", Math.round(t.waitMs)],
    ["processReport", "string", null],
    ["processReportSize", "int", -1],
    ["reloadWebs", "boolean", false],
    ["resumitAfterDBOpen", "boolean", false],
    ["rowInDistribStack", "int", null],
    ["totalDuration", "double", Math.round(t.totalMs)],
    ["traceRequest", "string", ""],
    ["traceRequestSize", "int", 0],
  ];
  return fields.map(([name, type, value]) => `      ${typed(name, type, value)}\n`).join("");
}

export function resultEnvelope(operation: string, result: X3Result, timings: Timings): string {
  const n = result.messages.length;
  const refs = result.messages.map((_, i) => `<messages href="#id${i}"/>`).join("");
  const messages =
    `<messages xsi:type="soapenc:Array" soapenv:encodingStyle="${ENC}" soapenc:arrayType="wss:CAdxMessage[${n}]"` +
    (n === 0 ? "/>" : `>${refs}</messages>`);
  const resultXml =
    result.resultXml === undefined
      ? '<resultXml xsi:type="xsd:string" xsi:nil="true"/>'
      : `<resultXml xsi:type="xsd:string">${cdata(result.resultXml)}</resultXml>`;
  const multiRefs = result.messages
    .map(
      (m, i) =>
        `<multiRef id="id${i}" soapenc:root="0" soapenv:encodingStyle="${ENC}" xsi:type="wss:CAdxMessage">` +
        `<type>${m.type}</type><message>${escapeXml(m.message)}</message></multiRef>\n`,
    )
    .join("");
  return (
    ENVELOPE_OPEN +
    `<wss:${operation}Response soapenv:encodingStyle="${ENC}">\n` +
    `  <${operation}Return xsi:type="wss:CAdxResultXml">\n` +
    `    ${messages}\n    ${resultXml}\n    ${typed("status", "int", result.status)}\n` +
    `    <technicalInfos xsi:type="wss:CAdxTechnicalInfos">\n${technicalInfos(timings)}    </technicalInfos>\n` +
    `  </${operation}Return>\n</wss:${operation}Response>\n` +
    multiRefs +
    ENVELOPE_CLOSE
  );
}

export function faultEnvelope(faultcode: "Client" | "Server", faultstring: string): string {
  return (
    ENVELOPE_OPEN +
    `<soapenv:Fault><faultcode>soapenv:${faultcode}</faultcode>` +
    `<faultstring>${escapeXml(faultstring)}</faultstring></soapenv:Fault>\n` +
    ENVELOPE_CLOSE
  );
}
