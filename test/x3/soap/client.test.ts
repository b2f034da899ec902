/** The SOAP client over HTTP with canned answers: retries of reads only, credentials, limits, deadline, settings. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { X3SoapClient } from "../../../src/x3/soap/client";
import { resolveSoapGatewayConfig, SOAP_SERVICE_PATH, type SoapGatewayConfig } from "../../../src/x3/soap/config";
import { failure, fixture } from "./helpers";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let baseUrl: string;
let handlers: Handler[];
let requests: { headers: IncomingMessage["headers"]; body: string; url: string | undefined }[];
const clients: X3SoapClient[] = [];

beforeEach(async () => {
  handlers = [];
  requests = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      requests.push({ headers: req.headers, body, url: req.url });
      const handler = handlers.shift() ?? ((_r, _b, s) => s.writeHead(200, { "content-type": "text/xml" }).end(fixture("read-success.xml")));
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(overrides: Partial<SoapGatewayConfig> = {}): X3SoapClient {
  const c = new X3SoapClient({ baseUrl, auth: { kind: "basic", user: "u", password: "p" }, poolAlias: "WSPOOL", retries: 2, retryBaseDelayMs: 1, ...overrides });
  clients.push(c);
  return c;
}

const status = (code: number, body = "") => (_r: IncomingMessage, _b: string, res: ServerResponse) => res.writeHead(code).end(body);


test("POSTs to the service path with the call context from the settings", async () => {
  await client({ language: "fra", requestConfig: "adxwss.optreturn=XML&adxwss.beautify=true" }).read("YSYP", [{ key: "SYPUSR", value: "JDOE" }]);
  expect(requests[0]?.url).toBe(SOAP_SERVICE_PATH);
  expect(requests[0]?.body).toContain('<codeLang xsi:type="xsd:string">FRA</codeLang>');
  expect(requests[0]?.body).toContain("adxwss.optreturn=XML&amp;adxwss.beautify=true");
  expect(requests[0]?.body).toContain('<poolAlias xsi:type="xsd:string">WSPOOL</poolAlias>');
});

test("a read is retried after a transient failure; a modify or save never is", async () => {
  handlers.push(status(503, "No Web services accepted"));
  const c = client();
  await c.read("YSYP", [{ key: "SYPUSR", value: "JDOE" }]);
  expect(requests).toHaveLength(2);

  handlers.push(status(503, "No Web services accepted"));
  const error = await failure(c.modify("YSYP", [{ key: "SYPUSR", value: "JDOE" }], "<PARAM/>"));
  expect(error.transient).toBe(true);
  expect(requests).toHaveLength(3);
  handlers.push(status(503));
  await failure(c.save("YSYP", "<PARAM/>"));
  expect(requests).toHaveLength(4);
  expect(c.calls).toEqual({ read: 2, modify: 1, save: 1, query: 0, getDescription: 0 });
});

test("a permanent refusal is not retried, even for a read", async () => {
  handlers.push((_r, _b, res) => res.writeHead(200).end(fixture("modify-status0-multiref.xml").replaceAll("modify", "read")));
  await failure(client().read("YSYP", [{ key: "SYPUSR", value: "JDOE" }]));
  expect(requests).toHaveLength(1);
});

test("connected-app credentials go as a bearer JWT; a 401 is an auth error", async () => {
  const c = client({ auth: { kind: "connectedApp", clientId: "addin", secret: "s".repeat(32), user: "WSSYP", audience: "", lifetimeSeconds: 60 } });
  await c.getDescription("YSYP").catch(() => undefined);
  expect(requests[0]?.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  handlers.push(status(401, "Error 30: Invalid token"));
  const error = await failure(c.getDescription("YSYP"));
  expect([error.kind, error.status, error.transient]).toEqual(["auth", 401, false]);
});

test("an answer larger than maxResponseBytes is refused, not buffered", async () => {
  handlers.push((_r, _b, res) => res.writeHead(200).end(`<a>${"x".repeat(200_000)}</a>`));
  const error = await failure(client({ maxResponseBytes: 100_000, retries: 0 }).read("YSYP", [{ key: "SYPUSR", value: "JDOE" }]));
  expect(error.kind).toBe("protocol");
  expect(error.message).toContain("larger than 100000 bytes");
});

test("an answer trickling for ever ends at the deadline as a transient timeout", async () => {
  handlers.push((_r, _b, res) => {
    res.writeHead(200, { "content-type": "text/xml" });
    const timer = setInterval(() => res.write(" "), 50);
    res.on("close", () => clearInterval(timer));
  });
  const started = Date.now();
  const error = await failure(client({ retries: 0, connectTimeoutMs: 200, responseTimeoutMs: 300 }).read("YSYP", [{ key: "SYPUSR", value: "JDOE" }]));
  expect([error.kind, error.transient]).toEqual(["timeout", true]);
  expect(Date.now() - started).toBeLessThan(3000);
});

test("an answer in ISO-8859-1, as its Content-Type says, reads right", async () => {
  const text = fixture("read-entity-escaped.xml").replace("Jane Doe &amp;amp; Sons", "Hélène Doe");
  handlers.push((_r, _b, res) => res.writeHead(200, { "content-type": "text/xml; charset=ISO-8859-1" }).end(Buffer.from(text, "latin1")));
  const { data } = await client().read("YAUS", [{ key: "USR", value: "JDOE" }]);
  expect(data.fields.get("INTUSR")?.value).toBe("Hélène Doe");
});

test("settings: the pool alias is required; names, language and numbers are checked", () => {
  const base = { baseUrl: "https://x3.example.com:8124/", auth: { kind: "basic" as const, user: "u", password: "p" }, poolAlias: "WSPOOL" };
  const resolved = resolveSoapGatewayConfig(base);
  expect(resolved.serviceUrl).toBe(`https://x3.example.com:8124${SOAP_SERVICE_PATH}`);
  expect([resolved.language, resolved.setupPublication, resolved.userPublication, resolved.requestConfig]).toEqual(["ENG", "YSYP", "YAUS", "adxwss.optreturn=XML"]);
  expect(() => resolveSoapGatewayConfig({ ...base, poolAlias: " " })).toThrow(/pool alias is required/);
  expect(() => resolveSoapGatewayConfig({ ...base, language: "English" })).toThrow(/language/);
  expect(() => resolveSoapGatewayConfig({ ...base, setupPublication: "Y SYP" })).toThrow(/setup publication/);
  expect(() => resolveSoapGatewayConfig({ ...base, userReadConcurrency: 9 })).toThrow(/userReadConcurrency/);
  expect(() => resolveSoapGatewayConfig({ ...base, setupGroups: { COROTKCRE: "SYP 1" } })).toThrow(/group of COROTKCRE/);
  expect(resolveSoapGatewayConfig({ ...base, messages: { GER: { locked: ["gesperrt"] } } }).messages.GER?.locked).toEqual(["gesperrt"]);
});
