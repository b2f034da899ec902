/** The SOAP connection test against the peer: each step in order, and the failing one says what to change. */
import { FLAG_CODES } from "../../../src/core/flags";
import { ConnectionReportSchema } from "../../../src/core/connectionReport";
import { checkSoapConnection } from "../../../src/x3/soap/soapConnectionCheck";
import { peerSuite } from "./peerServer";

const suite = peerSuite();
const summary = (steps: { id: string; ok: boolean | null }[]) => steps.map((s) => `${s.id}:${s.ok}`);

beforeEach(() => {
  suite.peer.syncpar.set("JDOE", new Map([...FLAG_CODES.map((c): [string, string] => [c, "1"]), ["WW_MODSTAMP", "1"]]));
  suite.peer.users.set("JDOE", { name: "Jane Doe", email: "jdoe@contoso.com" });
});

test("all good: every step passes, the user's setup reads", async () => {
  const report = ConnectionReportSchema.parse(await checkSoapConnection(suite.client(), "jdoe"));
  expect(summary(report.steps)).toEqual(["reach:true", "tls:true", "auth:true", "pool:true", "publication:YSYP:true", "publication:YAUS:true", "setupRead:true"]);
  expect(report.ok).toBe(true);
});

test("X3 not reachable: reach fails, the rest is not tried", async () => {
  const report = await checkSoapConnection(suite.client({ baseUrl: "http://127.0.0.1:9", connectTimeoutMs: 500 }), null);
  expect(summary(report.steps)).toEqual(["reach:false", "tls:null", "auth:null", "pool:null", "publication:YSYP:null", "publication:YAUS:null"]);
  expect(report.steps[0]?.fix).toContain("X3_BASE_URL");
});

test("a wrong pool alias: the pool step fails with X3's words and names the setting", async () => {
  const report = await checkSoapConnection(suite.client({ poolAlias: "NOPOOL" }), "JDOE");
  expect(summary(report.steps)).toEqual(["reach:true", "tls:true", "auth:true", "pool:false", "publication:YSYP:null", "publication:YAUS:null", "setupRead:null"]);
  expect(report.steps[3]?.detail).toContain("No classic web service pool match to 'NOPOOL'");
  expect(report.steps[3]?.fix).toContain("X3_SOAP_POOL_ALIAS");
});

test("one publication unknown, the other there: the pool passes, the missing publication fails", async () => {
  const report = await checkSoapConnection(suite.client({ userPublication: "ZAUS" }), null);
  expect(summary(report.steps)).toEqual(["reach:true", "tls:true", "auth:true", "pool:true", "publication:YSYP:true", "publication:ZAUS:false"]);
  expect(report.steps[5]?.detail).toContain("Unknown web service");
  expect(report.steps[5]?.fix).toContain("GESAWE");
});

test("a publication without some fields: they are named", async () => {
  suite.peer.describeWithout = ["TSKADXDLT", "BAPOTKCRE"];
  const report = await checkSoapConnection(suite.client(), null);
  const setup = report.steps.find((s) => s.id === "publication:YSYP");
  expect(setup?.ok).toBe(false);
  expect(setup?.detail).toBe("publication YSYP lacks TSKADXDLT, BAPOTKCRE");
});
