/** The verdict rule and the classification of failures, on the envelopes of X3-SOAP.md recorded as fixtures. */
import { X3SoapRefusal } from "../../../src/x3/soap/response";
import { mergeCatalogues, BUILT_IN_MESSAGES, parseMessageCatalogue } from "../../../src/x3/soap/messageCatalogue";
import { parseObjectData } from "../../../src/x3/soap/payload";
import { DEFAULT_XML_LIMITS } from "../../../src/x3/soap/xml";
import { answer, fixture, thrown } from "./helpers";

test("status 1 (9.2): success, resultXml from CDATA with its prolog, MENULAB ignored", () => {
  const result = answer(200, fixture("read-success.xml"));
  expect(result.status).toBe(1);
  expect(result.messages).toEqual([]);
  const data = parseObjectData(result.resultXml, "read", DEFAULT_XML_LIMITS);
  expect(data.fields.get("SYPUSR")).toEqual({ group: "SYP0_1", value: "JDOE", type: "Char" });
  expect(data.fields.get("COROTKCRE")).toEqual({ group: "SYP1_1", value: "2", type: "Integer" });
  expect(data.fields.get("CORADXCRE")?.value).toBe("1");
  expect(data.fields.get("WW_MODSTAMP")?.group).toBe("ADXTEC");
});

test("status 0 with Axis multiRef messages (9.4): a permanent refusal carrying X3's error, not the warning", () => {
  const error = thrown(() => answer(200, fixture("modify-status0-multiref.xml"), "modify"));
  expect(error).toBeInstanceOf(X3SoapRefusal);
  expect(error.kind).toBe("diagnoses");
  expect(error.transient).toBe(false);
  expect(error.status).toBe(200);
  expect(error.messages).toEqual(["Synchronization setup: JDOE Record does not exist"]);
  const refusal = error as X3SoapRefusal;
  expect(refusal.soapStatus).toBe(0);
  expect(refusal.soapMessages.map((m) => m.type)).toEqual([2, 3]);
  expect(refusal.category).toBeNull();
});

test("status 0 with inline messages in French: 'Fiche en cours de modification' is a locked record, transient", () => {
  const error = thrown(() => answer(200, fixture("modify-status0-inline-fra.xml"), "modify", "FRA")) as X3SoapRefusal;
  expect(error.category).toBe("locked");
  expect(error.transient).toBe(true);
  expect(error.messages).toEqual(["Fiche en cours de modification & bloquée par ADMIN"]);
});

test("the catalogue of the call's language only: the same French text in an English call is permanent", () => {
  const error = thrown(() => answer(200, fixture("modify-status0-inline-fra.xml"), "modify", "ENG")) as X3SoapRefusal;
  expect(error.category).toBeNull();
  expect(error.transient).toBe(false);
});

test("IT extends the catalogue: a German locked text becomes transient for GER calls", () => {
  const de = parseMessageCatalogue('{"GER": {"locked": ["Datensatz gesperrt"]}}');
  const text = fixture("modify-status0-inline-fra.xml").replace("Fiche en cours de modification &amp; bloquée par ADMIN", "Datensatz gesperrt");
  const catalogue = mergeCatalogues(BUILT_IN_MESSAGES, de);
  expect(thrown(() => answer(200, text, "modify", "GER", catalogue)).transient).toBe(true);
  expect(thrown(() => answer(200, text, "modify", "GER")).transient).toBe(false);
  // Extensions add to the built-in texts, they do not replace them.
  expect(catalogue.ENG?.locked).toEqual(BUILT_IN_MESSAGES.ENG?.locked);
});

test("a catalogue setting that is not the expected shape is refused with the reason", () => {
  expect(() => parseMessageCatalogue("{")).toThrow(/not JSON/);
  expect(() => parseMessageCatalogue('{"FRA": {"busy": ["x"]}}')).toThrow(/unknown category busy/);
  expect(() => parseMessageCatalogue('{"FRA": {"locked": "x"}}')).toThrow(/list of non-empty texts/);
  expect(() => parseMessageCatalogue('{"FRENCH": {}}')).toThrow(/not an X3 language code/);
});

test("an unknown pool (status 0, 'No classic web service pool match') is transient", () => {
  const text = fixture("modify-status0-inline-fra.xml").replace(
    "Fiche en cours de modification &amp; bloquée par ADMIN",
    "No classic web service pool match to 'WSPOOL'",
  );
  const error = thrown(() => answer(200, text, "modify")) as X3SoapRefusal;
  expect(error.category).toBe("poolUnavailable");
  expect(error.transient).toBe(true);
});

test("status 1 with a nil resultXml: success with no payload", () => {
  const result = answer(200, fixture("save-success-nil-result.xml"), "save");
  expect(result.resultXml).toBeNull();
  expect(parseObjectData(result.resultXml, "save", DEFAULT_XML_LIMITS).fields.size).toBe(0);
});

test("entity-escaped resultXml reads like CDATA, with escaped text inside decoded once", () => {
  const result = answer(200, fixture("read-entity-escaped.xml"));
  const data = parseObjectData(result.resultXml, "read", DEFAULT_XML_LIMITS);
  expect(data.fields.get("USR")?.value).toBe("JDOE");
  expect(data.fields.get("INTUSR")?.value).toBe("Jane Doe & Sons");
  expect(data.fields.get("ADDEML")).toEqual({ group: "AUS1_1", value: "jdoe@contoso.com", type: "Char" });
});

test("a minimal answer (no messages, no technicalInfos) with a JSON resultXml: _LBL ignored", () => {
  const result = answer(200, fixture("read-minimal-json.xml"));
  const data = parseObjectData(result.resultXml, "read", DEFAULT_XML_LIMITS);
  expect(data.fields.get("COROTKCRE")).toEqual({ group: "SYP1_1", value: "2", type: null });
  expect(data.fields.has("COROTKCRE_LBL")).toBe(false);
});

test("query rows directly under RESULT", () => {
  const result = answer(200, fixture("query-success.xml"), "query");
  const data = parseObjectData(result.resultXml, "query", DEFAULT_XML_LIMITS);
  expect(data.rows.map((r) => r.get("USR"))).toEqual(["ADMIN", "JDOE"]);
});

test("a Server SOAP Fault is its own kind, transient, with faultstring as X3's words", () => {
  const error = thrown(() => answer(500, fixture("soap-fault.xml")));
  expect(error.kind).toBe("soapFault");
  expect(error.transient).toBe(true);
  expect(error.status).toBe(500);
  expect(error.message).toContain("soapenv:Server.userException");
  expect(error.messages).toEqual(["java.lang.NullPointerException: pool WSPOOL channel lost"]);
});

test("a Client SOAP Fault is permanent, even under HTTP 200", () => {
  const error = thrown(() => answer(200, fixture("soap-fault-client.xml")));
  expect(error.kind).toBe("soapFault");
  expect(error.transient).toBe(false);
});

test("HTTP 500 'No Web services accepted' as HTML or as text: unavailable, transient, X3's words kept", () => {
  for (const body of [fixture("no-web-services-500.html"), "No Web services accepted"]) {
    const error = thrown(() => answer(500, body));
    expect(error.kind).toBe("unavailable");
    expect(error.transient).toBe(true);
    expect(error.status).toBe(500);
    expect(error.message).toContain("No Web services accepted");
  }
});

test("HTTP 401: auth, permanent, whatever the body", () => {
  for (const body of ["", "Authentication failed", fixture("read-success.xml")]) {
    const error = thrown(() => answer(401, body));
    expect(error.kind).toBe("auth");
    expect(error.transient).toBe(false);
    expect(error.status).toBe(401);
  }
});

test("HTTP 200 alone proves nothing: a non-XML body, XML that is no envelope, a Return without status", () => {
  const notXml = thrown(() => answer(200, '{"ok":true}'));
  expect([notXml.kind, notXml.transient]).toEqual(["protocol", false]);
  expect(notXml.message).toContain("not XML");
  expect(thrown(() => answer(200, "<html><body>Sign in</body></html>")).message).toContain("not a SOAP envelope");
  const noStatus = fixture("save-success-nil-result.xml").replace(/<status[^>]*>1<\/status>/, "");
  expect(thrown(() => answer(200, noStatus, "save")).message).toContain("no readable status");
  const otherOp = thrown(() => answer(200, fixture("read-success.xml"), "modify"));
  expect(otherOp.message).toContain("no modifyReturn");
});

test("any status but 1 is a failure, even 2 or -1, and even without messages", () => {
  for (const status of ["2", "-1"]) {
    const text = fixture("save-success-nil-result.xml").replace(">1</status>", `>${status}</status>`);
    const error = thrown(() => answer(200, text, "save"));
    expect(error).toBeInstanceOf(X3SoapRefusal);
    expect(error.message).toContain("without a message");
  }
});

test("messages as repeated elements (how some servers encode arrays) are all collected", () => {
  const text = fixture("modify-status0-inline-fra.xml").replace(
    /<messages>[\s\S]*<\/messages>/,
    "<messages><message>first</message><type>1</type></messages><messages><message>Locked record</message><type>3</type></messages>",
  );
  const error = thrown(() => answer(200, text, "modify")) as X3SoapRefusal;
  expect(error.soapMessages).toEqual([
    { type: 1, message: "first" },
    { type: 3, message: "Locked record" },
  ]);
  expect(error.category).toBe("locked");
});

test("an href cycle or a dangling href neither hangs nor invents messages", () => {
  const text = fixture("modify-status0-multiref.xml")
    .replace('<messages href="#id1"/>', '<messages href="#nowhere"/>')
    .replace("<type>2</type>", '<type>2</type><extra href="#id0"/>');
  const error = thrown(() => answer(200, text, "modify")) as X3SoapRefusal;
  expect(error.soapMessages).toEqual([{ type: 2, message: "Synchronization setup: check the values" }]);
});
