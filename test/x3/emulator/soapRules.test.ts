/**
 * The emulated SOAP service rule by rule (X3-SOAP.md §10): authentication, Syracuse's leniency, the
 * hardened parser, the checks in their order, the output's exact shape, languages, partial modify,
 * save, the ADXTEC stamp, getDescription, JSON, and the options (group layout, invisible fields, pools).
 */
import { SignJWT } from "jose";
import type { RunningX3Emulator } from "../../../src/x3/emulator";
import { SOAP_PATH, WSDL_PATH } from "../../../src/x3/emulator/soap/routes";
import { BASIC_ADMIN, callEmulator, emulatorSuite, startTestEmulator, type TestFolder } from "../fixture";
import { call, callContext, envelope, fields, keys, operation, param, post, readAnswer, type Operation } from "./soapFixture";

let folder: TestFolder;
let emulator: RunningX3Emulator;
emulatorSuite((suite) => ({ folder, emulator } = suite));

const XML_HEADERS = { ...BASIC_ADMIN, "content-type": "text/xml; charset=utf-8", soapaction: '""' };
const readLdupont = operation({ op: "read", keys: { SYPUSR: "LDUPONT" } });
const stored = (key: string) => emulator.app.x3Emulator.store.get("SYNCPAR", key);
type Groups = Record<string, Record<string, string>>;
/** A modify of one user's setup, on the shared emulator unless told otherwise. */
const modifySetup = (key: string, groups: Groups, target?: RunningX3Emulator, extra: Partial<Operation> = {}) =>
  call(target ?? emulator, folder, { op: "modify", keys: { SYPUSR: key }, objectXml: param(groups), ...extra });
/** Syracuse's message for a field it cannot place (LM, verbatim). */
const notFound = (field: string) => `Cannot add field [${field}] under root node. Field [${field}] not found into X3 description.`;

describe("authentication", () => {
  test("no or wrong credentials: HTTP 401, and nothing answered", async () => {
    for (const authorization of [undefined, `Basic ${Buffer.from("admin:wrong").toString("base64")}`, "Bearer nonsense"]) {
      const headers = { "content-type": "text/xml", ...(authorization ? { authorization } : {}) };
      const res = await post(emulator, folder, readLdupont, headers);
      expect(res.http).toBe(401);
    }
  });

  test("a connected application's bearer JWT works when the emulator is given one", async () => {
    const app = { clientId: "addin", secret: "s".repeat(32), audience: "x3" };
    const other = await startTestEmulator(folder, { connectedApp: app });
    try {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer(app.clientId)
        .setSubject("JSMITH")
        .setAudience(app.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(new TextEncoder().encode(app.secret));
      const res = await post(other, folder, readLdupont, { authorization: `Bearer ${token}`, "content-type": "text/xml" });
      expect(readAnswer(res.http, res.body).status).toBe(1);
    } finally {
      await other.close();
    }
  });
});

describe("leniency, as Syracuse", () => {
  test("any SOAPAction and Content-Type, or none", async () => {
    const variants: Record<string, string>[] = [
      { soapaction: '"readRequest"', "content-type": "text/xml" },
      { soapaction: "CAdxWebServiceXmlCC", "content-type": "text/html" },
      { "content-type": "application/soap+xml; charset=utf-8" },
      { "content-type": "application/json" },
      {},
    ];
    for (const headers of variants) {
      const res = await post(emulator, folder, readLdupont, { ...BASIC_ADMIN, ...headers });
      expect([JSON.stringify(headers), readAnswer(res.http, res.body).status]).toEqual([JSON.stringify(headers), 1]);
    }
  });

  test("other prefixes, no xsi:type, and no poolId or requestConfig", async () => {
    const body =
      '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns1:read xmlns:ns1="http://www.adonix.com/WSS">' +
      "<callContext><codeLang>ENG</codeLang><poolAlias>SEED</poolAlias></callContext><publicName>YSYP</publicName>" +
      "<objectKeys><item><key>SYPUSR</key><value>LDUPONT</value></item></objectKeys></ns1:read></S:Body></S:Envelope>";
    const res = await post(emulator, folder, body, XML_HEADERS);
    expect(fields(readAnswer(res.http, res.body).resultXml).get("SYPUSR")?.value).toBe("LDUPONT");
  });

  test.each([
    ["item", "<objectKeys><item><key>SYPUSR</key><value>LDUPONT</value></item></objectKeys>"],
    ["keys", "<objectKeys><keys><key>SYPUSR</key><value>LDUPONT</value></keys></objectKeys>"],
    ["sequence", "<objectKeys><sequence><key>SYPUSR</key><value>LDUPONT</value></sequence></objectKeys>"],
    [
      "ArrayOfCAdxParamKeyValue",
      "<objectKeys><ArrayOfCAdxParamKeyValue><key>SYPUSR</key><value>LDUPONT</value></ArrayOfCAdxParamKeyValue></objectKeys>",
    ],
    ["bare key and value", "<objectKeys><key>SYPUSR</key><value>LDUPONT</value></objectKeys>"],
    ["capitalised Key/Value", "<objectKeys><item><Key>SYPUSR</Key><Value>LDUPONT</Value></item></objectKeys>"],
  ])("objectKeys as %s", async (_name, rawKeys) => {
    const answer = await call(emulator, folder, { op: "read", rawKeys });
    expect(fields(answer.resultXml).get("SYPUSR")?.value).toBe("LDUPONT");
  });

  test("objectKeys as Axis href/multiRef items", async () => {
    const body = envelope(
      `<wss:read>${callContext()}<publicName>YSYP</publicName>` +
        '<objectKeys soapenc:arrayType="wss:CAdxParamKeyValue[1]"><objectKeys href="#id0"/></objectKeys></wss:read>' +
        '<multiRef id="id0" soapenc:root="0" xsi:type="wss:CAdxParamKeyValue"><key xsi:type="xsd:string">SYPUSR</key>' +
        '<value xsi:type="xsd:string">LDUPONT</value></multiRef>',
    );
    const res = await post(emulator, folder, body, XML_HEADERS);
    expect(fields(readAnswer(res.http, res.body).resultXml).get("SYPUSR")?.value).toBe("LDUPONT");
  });

  test("objectXml entity-escaped or in CDATA, FLD with NAME or NAM", async () => {
    const escaped = envelope(
      `<wss:modify>${callContext()}<publicName>YSYP</publicName>${keys({ SYPUSR: "LDUPONT" })}` +
        '<objectXml>&lt;PARAM&gt;&lt;GRP ID="SYP1_2"&gt;&lt;FLD NAM="BAPADXCRE"&gt;2&lt;/FLD&gt;' +
        "&lt;/GRP&gt;&lt;/PARAM&gt;</objectXml></wss:modify>",
    );
    const res = await post(emulator, folder, escaped, XML_HEADERS);
    expect(readAnswer(res.http, res.body).status).toBe(1);
    expect(stored("LDUPONT")?.values.BAPADXCRE).toBe(2);

    const cdata = await call(emulator, folder, {
      op: "modify",
      keys: { SYPUSR: "LDUPONT" },
      objectXml: '<PARAM><GRP ID="SYP1_2"><FLD NAME="BAPADXCRE">1</FLD></GRP></PARAM>',
    });
    expect(cdata.status).toBe(1);
    expect(stored("LDUPONT")?.values.BAPADXCRE).toBe(1);
  });
});

describe("what is not a readable request is a SOAP Fault (HTTP 500)", () => {
  const depth = 200;
  test.each([
    ["malformed XML", "<soapenv:Envelope><soapenv:Body><read></soapenv:Body>"],
    ["not an envelope", "<read><publicName>YSYP</publicName></read>"],
    ["an empty Body", envelope("")],
    ["an operation not in the WSDL", envelope(`<wss:readAll>${callContext()}</wss:readAll>`)],
    ["a DOCTYPE with entities", `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>${readLdupont.slice(readLdupont.indexOf("?>") + 2)}`],
    ["deep nesting", envelope(`${"<a>".repeat(depth)}${"</a>".repeat(depth)}`)],
  ])("%s", async (_name, body) => {
    const res = await post(emulator, folder, body, XML_HEADERS);
    const answer = readAnswer(res.http, res.body);
    expect(answer.http).toBe(500);
    expect(answer.fault).toEqual(expect.any(String));
    expect(answer.status).toBeUndefined();
  });

  test("an envelope over the size limit", async () => {
    const res = await post(emulator, folder, envelope(`<x>${"y".repeat(2 * 1024 * 1024)}</x>`), XML_HEADERS);
    expect(res.http).toBe(413);
    expect(readAnswer(res.http, res.body).fault).toEqual(expect.any(String));
  });
});

describe("X3's checks, in order: status 0 and a type-3 message", () => {
  test("an unknown pool alias comes before an unknown publication", async () => {
    const answer = await call(emulator, folder, { op: "read", pool: "NOPOOL", publicName: "YNOPE", keys: { SYPUSR: "LDUPONT" } });
    expect(answer.http).toBe(200);
    expect(answer.status).toBe(0);
    expect(answer.messages).toEqual([{ type: "3", message: "No classic web service pool match to 'NOPOOL'" }]);
    expect(answer.resultXml).toBeUndefined();
  });

  test("an unknown publication, in the call's language", async () => {
    const eng = await call(emulator, folder, { op: "read", publicName: "YNOPE", keys: { SYPUSR: "LDUPONT" } });
    expect(eng.messages).toEqual([{ type: "3", message: "Unknown web service (0)" }]);
    const fra = await call(emulator, folder, { op: "read", lang: "FRA", publicName: "YNOPE", keys: { SYPUSR: "LDUPONT" } });
    expect(fra.messages).toEqual([{ type: "3", message: "Service web inexistant" }]);
  });

  test("an operation the publication does not allow", async () => {
    const refused: Operation[] = [
      { op: "delete", keys: { SYPUSR: "LDUPONT" } },
      { op: "modify", publicName: "YAUS", keys: { USR: "JSMITH" }, objectXml: param({ AUS1_1: { ADDEML: "x@y" } }) },
      { op: "run", publicName: "YAUS" },
    ];
    for (const o of refused) {
      const answer = await call(emulator, folder, o);
      expect([o.op, answer.status, answer.messages[0]?.type]).toEqual([o.op, 0, "3"]);
    }
    expect(emulator.app.x3Emulator.store.get("AUTILIS", "JSMITH")?.values.ADDEML).toBe("jsmith@contoso.com");
  });

  test("a missing key or record, in ENG, FRA and POR", async () => {
    const none = await call(emulator, folder, { op: "read", keys: {} });
    expect(none.messages).toEqual([{ type: "3", message: "Synchronization setup:  Record does not exist" }]);
    const expected = { ENG: "Record does not exist", FRA: "Fiche inexistante", POR: "Ficha inexistente" };
    for (const [lang, text] of Object.entries(expected)) {
      const answer = await call(emulator, folder, { op: "modify", lang, keys: { SYPUSR: "NOBODY" }, objectXml: param({}) });
      expect(answer.status).toBe(0);
      expect(answer.messages[0]?.message).toContain(`NOBODY ${text}`);
    }
  });

  test.each([
    ["an unknown field", param({ SYP1_1: { NOSUCHFLAG: "2" } }), notFound("NOSUCHFLAG")],
    ["a field in another group", param({ SYP1_2: { COROTKCRE: "2" } }), notFound("COROTKCRE")],
    ["a field under the root", '<PARAM><FLD NAME="COROTKCRE">2</FLD></PARAM>', notFound("COROTKCRE")],
    ["a group without ID", '<PARAM><GRP><FLD NAME="COROTKCRE">2</FLD></GRP></PARAM>', "No attribute ID found into GRP tag."],
    ["an unknown group", param({ SYP9_9: { COROTKCRE: "2" } }), "Group [SYP9_9] not found into X3 description."],
    ["CLLADXCRE, not published by default", param({ SYP1_2: { CLLADXCRE: "2" } }), notFound("CLLADXCRE")],
  ])("%s: Syracuse's structure message, nothing written", async (_name, objectXml, message) => {
    const before = stored("LDUPONT")?.etag;
    const answer = await call(emulator, folder, { op: "modify", keys: { SYPUSR: "LDUPONT" }, objectXml });
    expect(answer.status).toBe(0);
    expect(answer.messages).toEqual([{ type: "3", message }]);
    expect(stored("LDUPONT")?.etag).toBe(before);
  });

  test("a local-menu value other than 1 or 2, nothing written", async () => {
    const before = stored("LDUPONT")?.etag;
    for (const value of ["3", "0", "Yes", ""]) {
      const answer = await modifySetup("LDUPONT", { SYP1_1: { COROTKCRE: value } });
      expect([value, answer.status, answer.messages[0]?.message]).toEqual([value, 0, "COROTKCRE: Incorrect value"]);
    }
    expect(stored("LDUPONT")?.etag).toBe(before);
  });
});

describe("output", () => {
  test("resultXml: CDATA, prolog, RESULT, FLD attributes in alphabetical order; 19 technicalInfos", async () => {
    const res = await post(emulator, folder, readLdupont, XML_HEADERS);
    expect(res.body).toContain('<resultXml xsi:type="xsd:string"><![CDATA[<?xml version="1.0" encoding="UTF-8"?>\n<RESULT>');
    expect(res.body).toContain('<FLD MENULAB="Yes" MENULOCAL="1" NAME="COROTKCRE" TYPE="Integer">2</FLD>');
    expect(res.body).toContain('<FLD NAME="SYPUSR" TYPE="Char">LDUPONT</FLD>');
    expect(res.body).toContain(
      '<messages xsi:type="soapenc:Array" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" ' +
        'soapenc:arrayType="wss:CAdxMessage[0]"/>',
    );
    const answer = readAnswer(res.http, res.body);
    expect(answer.technicalInfos).toEqual([
      "busy", "changeLanguage", "changeUserId", "flushAdx", "loadWebsDuration", "nbDistributionCycle", "poolDistribDuration",
      "poolEntryIdx", "poolExecDuration", "poolRequestDuration", "poolWaitDuration", "processReport", "processReportSize",
      "reloadWebs", "resumitAfterDBOpen", "rowInDistribStack", "totalDuration", "traceRequest", "traceRequestSize",
    ]);
  });

  test("on failure: resultXml nil, messages as multiRef siblings with type a string, technicalInfos still whole", async () => {
    const res = await post(emulator, folder, operation({ op: "read", keys: { SYPUSR: "NOBODY" } }), XML_HEADERS);
    expect(res.body).toContain('<resultXml xsi:type="xsd:string" xsi:nil="true"/>');
    expect(res.body).toContain('soapenc:arrayType="wss:CAdxMessage[1]"><messages href="#id0"/></messages>');
    expect(res.body).toMatch(
      /<\/wss:readResponse>\n<multiRef id="id0" soapenc:root="0" [^>]*xsi:type="wss:CAdxMessage"><type>3<\/type><message>/,
    );
    expect(readAnswer(res.http, res.body).technicalInfos).toHaveLength(19);
  });

  test.each([
    ["ENG", "Yes", "No"],
    ["FRA", "Oui", "Non"],
    ["POR", "Sim", "Não"],
    ["XXX", "Yes", "No"],
  ])("MENULAB in %s", async (lang, yes, no) => {
    const answer = await call(emulator, folder, { op: "read", lang, keys: { SYPUSR: "LDUPONT" } });
    const f = fields(answer.resultXml);
    expect(f.get("COROTKCRE")?.attributes.MENULAB).toBe(yes);
    expect(f.get("CORADXCRE")?.attributes.MENULAB).toBe(no);
  });

  test("without codeLang, the language of Accept-Language", async () => {
    const body = operation({ op: "read", lang: "", keys: { SYPUSR: "NOBODY" } });
    const fra = await post(emulator, folder, body, { ...XML_HEADERS, "accept-language": "fr-FR,fr;q=0.9" });
    expect(readAnswer(fra.http, fra.body).messages[0]?.message).toContain("Fiche inexistante");
    const pt = await post(emulator, folder, body, { ...XML_HEADERS, "accept-language": "pt" });
    expect(readAnswer(pt.http, pt.body).messages[0]?.message).toContain("Ficha inexistente");
    const withLang = operation({ op: "read", lang: "ENG", keys: { SYPUSR: "NOBODY" } });
    const eng = await post(emulator, folder, withLang, { ...XML_HEADERS, "accept-language": "fr" });
    expect(readAnswer(eng.http, eng.body).messages[0]?.message).toContain("Record does not exist");
  });

  test("JSON on request: one object per group, strings, _LBL for local menus", async () => {
    const json = "adxwss.optreturn=JSON";
    const answer = await call(emulator, folder, { op: "read", lang: "FRA", requestConfig: json, keys: { SYPUSR: "LDUPONT" } });
    const groups = JSON.parse(answer.resultXml ?? "") as Groups;
    expect(groups.SYP0_1).toEqual({ SYPUSR: "LDUPONT" });
    expect(groups.SYP1_1).toMatchObject({ COROTKCRE: "2", COROTKCRE_LBL: "Oui", CORADXCRE: "1", CORADXCRE_LBL: "Non" });
    expect(groups.ADXTEC?.WW_MODSTAMP).toMatch(/^\d{14}$/);
    const list = await call(emulator, folder, { op: "query", publicName: "YAUS", requestConfig: json, listSize: 1 });
    expect(JSON.parse(list.resultXml ?? "")).toEqual([{ USR: "ADMIN", INTUSR: "X3 Administrator" }]);
  });
});

describe("semantics", () => {
  const adxtec = async (field: string): Promise<string> =>
    fields((await call(emulator, folder, { op: "read", keys: { SYPUSR: "MCLARK" } })).resultXml).get(field)?.value ?? "";
  const stamp = () => adxtec("WW_MODSTAMP");

  test("WW_MODSTAMP changes on every write, back to back, whichever side writes", async () => {
    const stamps = [await stamp()];
    for (const value of ["1", "2", "1"]) {
      const answer = await modifySetup("MCLARK", { SYP1_1: { COROTKCRE: value } });
      stamps.push(fields(answer.resultXml).get("WW_MODSTAMP")?.value ?? "");
    }
    await callEmulator(emulator, folder, "PUT", "/__emulator/tables/SYNCPAR/MCLARK", { body: { TSKOTKCRE: 1 } });
    stamps.push(await stamp());
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort()).toEqual(stamps);
    expect(await adxtec("WW_MODUSER")).toBe("ADMIN");
  });

  test("modify is partial: a GESSYP edit to another flag survives", async () => {
    await callEmulator(emulator, folder, "PUT", "/__emulator/tables/SYNCPAR/LDUPONT", { body: { TSKADXDLT: 2, OTKUSR: "lea" } });
    const answer = await modifySetup("LDUPONT", { SYP1_2: { BAPOTKDLT: "1" } });
    const f = fields(answer.resultXml);
    expect(f.get("BAPOTKDLT")?.value).toBe("1");
    expect(f.get("TSKADXDLT")?.value).toBe("2");
    expect(f.get("OTKUSR")?.value).toBe("lea");
    expect(stored("LDUPONT")?.values).toMatchObject({ BAPOTKDLT: 1, TSKADXDLT: 2, OTKUSR: "lea" });
  });

  test("modify cannot change the key", async () => {
    const answer = await modifySetup("LDUPONT", { SYP0_1: { SYPUSR: "OTHER" } });
    expect(answer.status).toBe(0);
    expect(stored("OTHER")).toBeUndefined();
  });

  test("save: an existing key, a missing key, an unknown user are refused in the call's language", async () => {
    const dup = await call(emulator, folder, { op: "save", lang: "FRA", objectXml: param({ SYP0_1: { SYPUSR: "LDUPONT" } }) });
    expect(dup.status).toBe(0);
    expect(dup.messages).toEqual([{ type: "3", message: "Paramétrage synchronisation: LDUPONT Fiche déjà existante" }]);
    const noKey = await call(emulator, folder, { op: "save", objectXml: param({ SYP1_1: { COROTKCRE: "2" } }) });
    expect(noKey.messages).toEqual([{ type: "3", message: "SYPUSR: Mandatory field" }]);
    const ghost = await call(emulator, folder, { op: "save", objectXml: param({ SYP0_1: { SYPUSR: "GHOST" } }) });
    expect(ghost.messages).toEqual([{ type: "3", message: "User: GHOST Record does not exist" }]);
    expect(stored("GHOST")).toBeUndefined();
  });

  test("query: objectKeys are equality criteria on the left list; an unknown one is refused", async () => {
    const one = await call(emulator, folder, { op: "query", publicName: "YAUS", keys: { INTUSR: "Mary Clark" }, listSize: 10 });
    expect(one.resultXml).toContain('<LIN NUM="1">');
    expect(one.resultXml).not.toContain('<LIN NUM="2">');
    expect(one.resultXml).toContain("MCLARK");
    expect(one.resultXml).not.toContain("ADDEML");
    const bad = await call(emulator, folder, { op: "query", publicName: "YAUS", keys: { NOPE: "x" }, listSize: 10 });
    expect(bad.status).toBe(0);
  });

  test("getDescription: ADXKEY's children name the key with NAM; groups and fields with their types", async () => {
    const syp = await call(emulator, folder, { op: "getDescription" });
    expect(syp.status).toBe(1);
    expect(syp.resultXml).toContain('<ADXKEY><FLD LEN="5" NAM="SYPUSR" TYP="Char"/></ADXKEY>');
    expect(syp.resultXml).toContain('<GRP DIM="1" NAM="SYP1_1">');
    expect(syp.resultXml).toContain('<FLD LEN="1" MENULOCAL="1" NAM="COROTKCRE" TYP="Integer"/>');
    expect(syp.resultXml).not.toContain("CLLADXCRE");
    const aus = await call(emulator, folder, { op: "getDescription", publicName: "YAUS" });
    expect(aus.resultXml).toContain('<ADXKEY><FLD LEN="5" NAM="USR" TYP="Char"/></ADXKEY>');
    expect(aus.resultXml).toContain('NAM="ADDEML"');
  });
});

describe("options: renamed groups, invisible fields, other pools", () => {
  let other: RunningX3Emulator;
  beforeAll(async () => {
    other = await startTestEmulator(folder, {
      soap: {
        pools: ["X3POOL"],
        pool: { children: 3, callMs: 5 },
        publications: {
          invisibleFields: true,
          sypGroups: [
            { id: "HEAD", fields: ["SYPUSR", "OTKUSR"] },
            { id: "FLAGS", fields: ["COROTKCRE", "CLLADXCRE"] },
            { id: "MORE", fields: ["TSKOTKCRE"] },
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await other?.close();
  });

  test("the layout given is the one read, CLLADXCRE included, and the default IDs are refused", async () => {
    const read = await call(other, folder, { op: "read", pool: "X3POOL", keys: { SYPUSR: "MCLARK" } });
    const f = fields(read.resultXml);
    expect(f.get("OTKUSR")?.group).toBe("HEAD");
    expect(f.get("CLLADXCRE")).toMatchObject({ group: "FLAGS", value: "2" });
    expect(f.has("BAPOTKCRE")).toBe(false);
    const guess = await modifySetup("MCLARK", { SYP1_1: { COROTKCRE: "1" } }, other, { pool: "X3POOL" });
    expect(guess.messages).toEqual([{ type: "3", message: "Group [SYP1_1] not found into X3 description." }]);
    const seed = await call(other, folder, { op: "read", keys: { SYPUSR: "MCLARK" } });
    expect(seed.messages[0]?.message).toBe("No classic web service pool match to 'SEED'");
  });

  test("the pool model given is the one the pool hook reports", async () => {
    const pool = await callEmulator(other, folder, "GET", "/__emulator/pool");
    expect(pool.json).toEqual({ children: 3, callMs: 5, busy: 0, waiting: 0 });
  });

  test("a value with a control character still gives well-formed XML", async () => {
    await callEmulator(other, folder, "PUT", "/__emulator/tables/SYNCPAR/MCLARK", { body: { OTKUSR: "m\u0001clark<&>" } });
    const read = await call(other, folder, { op: "read", pool: "X3POOL", keys: { SYPUSR: "MCLARK" } });
    expect(fields(read.resultXml).get("OTKUSR")?.value).toBe("mclark<&>");
  });
});

describe("the WSDL", () => {
  test("served with the emulator's own address, to an authenticated caller", async () => {
    const res = await callEmulator(emulator, folder, "GET", `${WSDL_PATH}?wsdl`, { headers: BASIC_ADMIN });
    expect(res.status).toBe(200);
    const wsdl = String(res.json);
    expect(wsdl).toContain(`<wsdlsoap:address location="${emulator.url}${SOAP_PATH}" />`);
    expect(wsdl).not.toContain("localhost:8126");
    expect(wsdl).toContain('<wsdl:operation name="modify"');
    expect((await callEmulator(emulator, folder, "GET", `${WSDL_PATH}?wsdl`)).status).toBe(401);
  });
});
