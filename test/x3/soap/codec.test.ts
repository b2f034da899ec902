/** Requests as X3-SOAP.md §9.1 writes them, escaped whatever the values; PARAM built and read back. */
import { buildSoapRequest } from "../../../src/x3/soap/envelope";
import { buildParam, parseObjectData } from "../../../src/x3/soap/payload";
import { cdata, DEFAULT_XML_LIMITS, escapeXml, firstChild, isNode, parseXml, textOf, type XmlNode } from "../../../src/x3/soap/xml";

const context = { codeLang: "ENG", poolAlias: "WSPOOL", poolId: "", requestConfig: "adxwss.optreturn=XML&adxwss.beautify=true" };

function bodyElement(xml: string, name: string): XmlNode {
  const doc = parseXml(xml, "request", "test");
  const env = firstChild(doc, "Envelope");
  const body = isNode(env) ? firstChild(env, "Body") : undefined;
  const op = isNode(body) ? firstChild(body, name) : undefined;
  if (!isNode(op)) throw new Error(`no ${name} in the request`);
  return op;
}

test("read: wss:read with unqualified callContext, publicName and objectKeys, in the WSDL's order", () => {
  const xml = buildSoapRequest(context, "YSYP", { operation: "read", keys: [{ key: "SYPUSR", value: "JDOE" }] });
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  expect(xml).toContain('<wss:read soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">');
  expect(xml).toContain('xmlns:wss="http://www.adonix.com/WSS"');
  const order = ["<callContext", "<codeLang", "<poolAlias", "<poolId", "<requestConfig", "<publicName", "<objectKeys"].map((t) => xml.indexOf(t));
  expect(order.every((p, i) => p > 0 && (i === 0 || p > order[i - 1]!))).toBe(true);
  expect(xml).toContain('soapenc:arrayType="wss:CAdxParamKeyValue[1]"');
  // requestConfig's & is escaped, and reads back intact.
  expect(xml).toContain("adxwss.optreturn=XML&amp;adxwss.beautify=true");
  const read = bodyElement(xml, "read");
  const cc = read.callContext as XmlNode;
  expect(textOf(cc.requestConfig)).toBe(context.requestConfig);
  expect(textOf(cc.poolId)).toBe("");
});

test("hostile values cannot change the envelope's structure", () => {
  const evil = `JD"OE</value></item><item><key>X</key><value>]]><![CDATA[&lt;`;
  const xml = buildSoapRequest(context, "YSYP", { operation: "modify", keys: [{ key: "SYPUSR", value: evil }], objectXml: `<PARAM>${evil}]]></PARAM>` });
  const modify = bodyElement(xml, "modify");
  const keys = modify.objectKeys as XmlNode;
  const item = keys.item as XmlNode;
  expect(Array.isArray(keys.item)).toBe(false);
  expect(textOf(item.value)).toBe(evil);
  expect(textOf(modify.objectXml)).toBe(`<PARAM>${evil}]]></PARAM>`);
});

test("query sends listSize as an int, getDescription only callContext and publicName", () => {
  const query = buildSoapRequest(context, "YAUS", { operation: "query", keys: [], listSize: 50 });
  expect(query).toContain('soapenc:arrayType="wss:CAdxParamKeyValue[0]"');
  expect(query).toContain('<listSize xsi:type="xsd:int">50</listSize>');
  const desc = bodyElement(buildSoapRequest(context, "YAUS", { operation: "getDescription" }), "getDescription");
  expect(Object.keys(desc).filter((k) => !k.startsWith("@_")).sort()).toEqual(["callContext", "publicName"]);
});

test("PARAM groups fields by group ID, escapes values, and reads back as the same data", () => {
  const param = buildParam([
    { group: "SYP1_1", name: "COROTKCRE", value: "2", type: "Integer" },
    { group: "SYP0_1", name: "SYPUSR", value: "A&B<C" },
    { group: "SYP1_1", name: "CORADXCRE", value: "1", type: "Integer" },
  ]);
  expect(param).toBe(
    '<PARAM><GRP ID="SYP1_1"><FLD NAME="COROTKCRE" TYPE="Integer">2</FLD><FLD NAME="CORADXCRE" TYPE="Integer">1</FLD></GRP>' +
      '<GRP ID="SYP0_1"><FLD NAME="SYPUSR">A&amp;B&lt;C</FLD></GRP></PARAM>',
  );
  const data = parseObjectData(param, "test", DEFAULT_XML_LIMITS);
  expect(data.fields.get("SYPUSR")).toEqual({ group: "SYP0_1", value: "A&B<C", type: null });
});

test("RESULT with NAM instead of NAME, LST/ITM and TAB/LIN", () => {
  const data = parseObjectData(
    '<RESULT><GRP ID="BPRC_1"><FLD NAM="BPRNUM">C001</FLD><LST NAME="BPRNAM" SIZE="2" TYPE="Char"><ITM>Acme</ITM><ITM>Ltd</ITM></LST></GRP>' +
      '<TAB DIM="30" ID="AUS2_1" SIZE="2"><LIN NUM="1"><FLD NAME="CODADR">MAIN</FLD></LIN><LIN NUM="2"><FLD NAME="CODADR">SHIP</FLD></LIN></TAB></RESULT>',
    "test",
    DEFAULT_XML_LIMITS,
  );
  expect(data.fields.get("BPRNUM")?.value).toBe("C001");
  expect(data.lists.get("BPRNAM")).toEqual(["Acme", "Ltd"]);
  expect(data.tables.get("AUS2_1")?.map((r) => r.get("CODADR"))).toEqual(["MAIN", "SHIP"]);
});

test("escapeXml and cdata keep any text intact", () => {
  expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  const doc = parseXml(`<r>${cdata("x]]>y]]>")}</r>`, "t", "t");
  expect(textOf(doc.r)).toBe("x]]>y]]>");
});

test("character references decode; unknown and declared entities do not expand", () => {
  expect(textOf(parseXml("<r>&#233;&#xE9;&amp;lt;&nbsp;</r>", "t", "t").r)).toBe("éé&lt;&nbsp;");
  // fast-xml-parser's own entity limits may stop a declaration first; either way it is refused.
  expect(() => parseXml('<!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>', "t", "t")).toThrow(/not usable XML/);
  expect(() => parseXml("<!DOCTYPE r><r>x</r>", "t", "t")).toThrow(/DOCTYPE declaration \(not allowed in SOAP\)/);
});
