/**
 * The load part's slow API: an HTTP/2 proxy that holds /api/ requests and passes the rest at once, so the
 * slow-API series differs from the normal one by the API's delay only.
 */
import { createSecureServer, type ClientHttp2Session, type Http2SecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { endToEndHeaders, startDelayingProxy, type DelayingProxy } from "../../bench/delayingProxy";
import { http1Get, http2Request, http2Session } from "../server/http2Client";
import { testFolder, type TestFolder } from "../x3/fixture";

const DELAY_MS = 400;
let folder: TestFolder;
let upstream: Http2SecureServer;
let proxy: DelayingProxy;
let session: ClientHttp2Session;
let connections = 0;

beforeAll(async () => {
  folder = await testFolder();
  // The server as the add-in's is: HTTP/2, HTTP/1.1 allowed. It counts the connections the proxy opens.
  upstream = createSecureServer({ key: folder.tls.key, cert: folder.tls.cert, allowHTTP1: true }, (req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "x-upstream": "yes" });
      res.end(JSON.stringify({ method: req.method, url: req.url, authority: req.headers[":authority"], host: req.headers.host, version: req.httpVersion, body }));
    });
  });
  upstream.on("secureConnection", () => (connections += 1));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  proxy = await startDelayingProxy(`https://127.0.0.1:${(upstream.address() as AddressInfo).port}`, DELAY_MS, folder.tls);
  session = await http2Session(proxy.url);
});

afterAll(async () => {
  session?.close();
  await proxy?.close();
  await new Promise((resolve) => upstream?.close(resolve));
  await folder?.remove();
});

async function send(method: string, path: string, body?: string) {
  const answer = await http2Request(session, method, path, {}, body);
  return { ...answer, json: JSON.parse(answer.text) as Record<string, string> };
}

it("speaks HTTP/2 to the browser and passes files at once, over one HTTP/2 connection to the server", async () => {
  expect(session.alpnProtocol).toBe("h2");
  const files = await Promise.all(["/taskpane.html", "/react.js", "/taskpane.js", "/griffel.css"].map((path) => send("GET", path)));
  for (const [i, file] of files.entries()) {
    expect(file.status).toBe(200);
    expect(file.json).toMatchObject({ method: "GET", url: ["/taskpane.html", "/react.js", "/taskpane.js", "/griffel.css"][i], version: "2.0" });
    expect(file.json.authority).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(file.headers["x-upstream"]).toBe("yes");
    expect(file.ms).toBeLessThan(DELAY_MS);
  }
  expect(connections).toBe(1);
});

it("holds an API request for the delay, its body passed on", async () => {
  const api = await send("PUT", "/api/v1/setups/JSMITH", '{"flags":{}}');
  expect(api.status).toBe(200);
  expect(api.json).toMatchObject({ method: "PUT", url: "/api/v1/setups/JSMITH", body: '{"flags":{}}' });
  expect(api.ms).toBeGreaterThanOrEqual(DELAY_MS - 5);
});

it("passes an HTTP/1.1 client's request on too, its Host replaced by the server's authority", async () => {
  const http1 = await http1Get(`${proxy.url}/floor.html`, { headers: { host: "pane.example" } });
  const answer = `${http1.version} ${http1.status} ${http1.text}`;
  expect(answer).toMatch(/^1\.1 200 /);
  expect(JSON.parse(answer.replace(/^1\.1 200 /, ""))).toMatchObject({ url: "/floor.html", version: "2.0", authority: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  expect(JSON.parse(answer.replace(/^1\.1 200 /, ""))).not.toHaveProperty("host");
});

it("leaves out pseudo-headers and one hop's headers, and keeps the rest", () => {
  expect(endToEndHeaders({ ":path": "/x", ":method": "GET", connection: "close", "transfer-encoding": "chunked", accept: "*/*", "x-a": ["1", "2"] })).toEqual({
    accept: "*/*",
    "x-a": ["1", "2"],
  });
});
