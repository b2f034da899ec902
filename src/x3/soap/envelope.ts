/**
 * The request side of CAdxWebServiceXmlCC: SOAP 1.1, RPC/encoded, the body element `wss:<operation>`
 * with unqualified parts in the WSDL's order (X3-SOAP.md §0, §2, §9.1). Every value is escaped here;
 * nothing reaches the envelope unescaped.
 */
import { cdata, escapeXml } from "./xml";

export const WSS_NAMESPACE = "http://www.adonix.com/WSS";
const SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/";

export const SOAP_OPERATIONS = ["read", "modify", "save", "query", "getDescription"] as const;
export type SoapOperation = (typeof SOAP_OPERATIONS)[number];

/** `CAdxCallContext` as V7+ has it: no codeUser/password (the HTTP credentials say who calls). */
export interface SoapCallContext {
  readonly codeLang: string;
  readonly poolAlias: string;
  readonly poolId: string;
  readonly requestConfig: string;
}

export interface SoapKey {
  readonly key: string;
  readonly value: string;
}

/** The parts after callContext and publicName, by operation (WSDL order). */
export type SoapParts =
  | { readonly operation: "read"; readonly keys: readonly SoapKey[] }
  | { readonly operation: "modify"; readonly keys: readonly SoapKey[]; readonly objectXml: string }
  | { readonly operation: "save"; readonly objectXml: string }
  | { readonly operation: "query"; readonly keys: readonly SoapKey[]; readonly listSize: number }
  | { readonly operation: "getDescription" };

const str = (name: string, value: string): string => `<${name} xsi:type="xsd:string">${escapeXml(value)}</${name}>`;

function objectKeys(keys: readonly SoapKey[]): string {
  const items = keys
    .map((k) => `<item xsi:type="wss:CAdxParamKeyValue">${str("key", k.key)}${str("value", k.value)}</item>`)
    .join("");
  return `<objectKeys xsi:type="wss:ArrayOfCAdxParamKeyValue" soapenc:arrayType="wss:CAdxParamKeyValue[${keys.length}]">${items}</objectKeys>`;
}

function operationParts(parts: SoapParts): string {
  switch (parts.operation) {
    case "read":
      return objectKeys(parts.keys);
    case "modify":
      return `${objectKeys(parts.keys)}<objectXml xsi:type="xsd:string">${cdata(parts.objectXml)}</objectXml>`;
    case "save":
      return `<objectXml xsi:type="xsd:string">${cdata(parts.objectXml)}</objectXml>`;
    case "query":
      return `${objectKeys(parts.keys)}<listSize xsi:type="xsd:int">${Math.floor(parts.listSize)}</listSize>`;
    case "getDescription":
      return "";
  }
}

export function buildSoapRequest(context: SoapCallContext, publicName: string, parts: SoapParts): string {
  const callContext =
    `<callContext xsi:type="wss:CAdxCallContext">${str("codeLang", context.codeLang)}${str("poolAlias", context.poolAlias)}` +
    `${str("poolId", context.poolId)}${str("requestConfig", context.requestConfig)}</callContext>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soapenc="${SOAP_ENCODING}" xmlns:wss="${WSS_NAMESPACE}">` +
    `<soapenv:Header/><soapenv:Body>` +
    `<wss:${parts.operation} soapenv:encodingStyle="${SOAP_ENCODING}">` +
    `${callContext}${str("publicName", publicName)}${operationParts(parts)}` +
    `</wss:${parts.operation}></soapenv:Body></soapenv:Envelope>`
  );
}
