/**
 * The emulator's SOAP request reader on its own: hostile or random input is a SoapFaultError (a SOAP
 * Fault on the wire), never another exception or a hang; and the payload reader refuses what a
 * publication does not map.
 */
import fc from "fast-check";
import { parseSoapRequest, SoapFaultError } from "../../../src/x3/emulator/soap/envelope";
import { readParam } from "../../../src/x3/emulator/soap/paramXml";
import { publications } from "../../../src/x3/emulator/soap/publications";
import { callContext, envelope, keys } from "./soapFixture";

function outcome(xml: string): "call" | "fault" {
  try {
    parseSoapRequest(xml, { maxBytes: 64 * 1024, maxDepth: 32 });
    return "call";
  } catch (error) {
    if (error instanceof SoapFaultError) return "fault";
    throw error;
  }
}

const fragments = fc.constantFrom(
  "<",
  ">",
  "</",
  "/>",
  "&amp;",
  "&#0;",
  "&#x110000;",
  "&bogus;",
  "<![CDATA[",
  "]]>",
  "<!--",
  "-->",
  "<?xml version='1.0'?>",
  '<!DOCTYPE a [<!ENTITY b "c">]>',
  '<!ENTITY x SYSTEM "file:///etc/passwd">',
  "&x;",
  "<soapenv:Envelope>",
  "</soapenv:Envelope>",
  "<soapenv:Body>",
  "</soapenv:Body>",
  "<wss:read>",
  "</wss:read>",
  ' a="1"',
  ' href="#id0"',
  ' id="id0"',
  "__proto__",
  "constructor",
  "<key>",
  "</key>",
  "x",
);

test("any mix of XML fragments is read or refused with a SoapFaultError", () => {
  fc.assert(
    fc.property(fc.array(fragments, { maxLength: 60 }), (parts) => {
      expect(["call", "fault"]).toContain(outcome(parts.join("")));
    }),
    { numRuns: 500 },
  );
});

test("random text is read or refused the same way; huge input, deep nesting and DOCTYPEs are refused quickly", () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void outcome(text)), { numRuns: 300 });
  const started = Date.now();
  expect(outcome(`<a b="${"x".repeat(100_000)}"/>`)).toBe("fault"); // over maxBytes
  expect(outcome(envelope("<a>".repeat(1000) + "</a>".repeat(1000)))).toBe("fault");
  expect(outcome(`<!DOCTYPE a [<!ENTITY b "${"c".repeat(100)}">]><a>&b;&b;&b;</a>`)).toBe("fault");
  expect(Date.now() - started).toBeLessThan(2000);
});

test("an entity declared in a DOCTYPE never reaches a value", () => {
  const xml = `<!DOCTYPE e [<!ENTITY k "SYPUSR">]>${envelope(`<wss:read>${callContext()}<publicName>&k;</publicName></wss:read>`)}`;
  expect(outcome(xml.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", ""))).toBe("fault");
});

test("a canonical read gives the operation, context and keys", () => {
  const parts = `${callContext("FRA", "P1")}<publicName>YSYP</publicName>${keys({ SYPUSR: "A&amp;B" })}`;
  const call = parseSoapRequest(envelope(`<wss:read>${parts}</wss:read>`));
  expect(call).toMatchObject({
    operation: "read",
    callContext: { codeLang: "FRA", poolAlias: "P1", poolId: "" },
    publicName: "YSYP",
    objectKeys: [{ key: "SYPUSR", value: "A&B" }],
    objectXml: undefined,
    listSize: undefined,
  });
  expect(call.callContext.requestConfig.get("adxwss.optreturn")).toBe("XML");
});

test("readParam maps fields to their group only, NAM or NAME, and ignores ADXTEC", () => {
  const syp = publications().get("YSYP");
  if (!syp) throw new Error("YSYP is not published");
  expect(
    readParam(
      '<PARAM><GRP ID="SYP1_1"><FLD NAM="COROTKCRE">2</FLD><FLD NAME="OTKUSR">a</FLD></GRP>' +
        '<GRP ID="ADXTEC"><FLD NAME="WW_MODSTAMP"/></GRP></PARAM>',
      syp,
    ),
  ).toEqual({ ok: true, values: new Map([["COROTKCRE", "2"], ["OTKUSR", "a"]]) });
  expect(readParam('<PARAM><GRP ID="SYP0_1"><FLD NAME="OTKUSR">a</FLD></GRP></PARAM>', syp).ok).toBe(false);
  expect(readParam("<PARAM><GRP", syp).ok).toBe(false);
});

test("readParam takes JSON too: groups as objects, _LBL labels ignored, the same checks", () => {
  const syp = publications().get("YSYP");
  if (!syp) throw new Error("YSYP is not published");
  expect(readParam('{"SYP1_1": {"COROTKCRE": "2", "COROTKCRE_LBL": "Yes", "CORADXCRE": 1}, "ADXTEC": {}}', syp)).toEqual({
    ok: true,
    values: new Map([["COROTKCRE", "2"], ["CORADXCRE", "1"]]),
  });
  expect(readParam('{"SYP1_2": {"COROTKCRE": "2"}}', syp)).toEqual({
    ok: false,
    errors: ["Cannot add field [COROTKCRE] under root node. Field [COROTKCRE] not found into X3 description."],
  });
  expect(readParam('{"SYP1_1": [{"COROTKCRE": "2"}], "OTKUSR": "x"}', syp).ok).toBe(false);
  expect(readParam('{"SYP1_1": {"OTKUSR": {"nested": 1}}}', syp).ok).toBe(false);
  expect(readParam('{"SYP1_1": ', syp).ok).toBe(false);
});

test("a publication layout that names an unknown column, repeats a field or drops the key is refused", () => {
  expect(() => publications({ sypGroups: [{ id: "A", fields: ["SYPUSR", "NOPE"] }] })).toThrow(/NOPE/);
  expect(() => publications({ sypGroups: [{ id: "A", fields: ["SYPUSR"] }, { id: "B", fields: ["SYPUSR"] }] })).toThrow(/twice/);
  expect(() => publications({ sypGroups: [{ id: "A", fields: ["OTKUSR"] }] })).toThrow(/key SYPUSR/);
});
