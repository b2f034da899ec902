/**
 * Idle connections on the HTTP/2 server. A browser keeps its HTTP/2 session open after its last request; the
 * server must still stop at once when asked (a restart, a deployment), answering what is in flight first. An
 * HTTP/1.1 client's idle connection is closed after the keep-alive timeout, as on an HTTPS server.
 */
import { testFolder, type TestFolder } from "../x3/fixture";
import { bearer, type Harness, startHarness } from "./harness";
import { http2Request, http2Session } from "./http2Client";

let tls: TestFolder;
let h: Harness;

beforeAll(async () => {
  tls = await testFolder();
  h = await startHarness({ https: { key: tls.tls.key, cert: tls.tls.cert } });
  await h.app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await tls?.remove();
});

it("gives an HTTP/1.1 client's idle connection the keep-alive timeout Fastify gives its HTTPS servers (72 s)", () => {
  // Node's HTTP/2 server leaves an idle HTTP/1.1 keep-alive connection open for good when the timeout is unset.
  expect((h.app.server as unknown as { keepAliveTimeout?: number }).keepAliveTimeout).toBe(72_000);
});

it("stops at once though a browser keeps an idle HTTP/2 session, after answering the request in flight", async () => {
  const url = `https://localhost:${(h.app.server.address() as { port: number }).port}`;
  const idle = await http2Session(url, tls.tls.ca);
  const busy = await http2Session(url, tls.tls.ca);
  const idleClosed = new Promise<void>((resolve) => idle.once("close", () => resolve()));
  try {
    expect((await http2Request(idle, "GET", "/healthz")).status).toBe(200);
    // X3 takes 600 ms to answer the read: the request is still in flight when the server is asked to stop.
    h.emulator.app.x3Emulator.faults.set({ kind: "latency", ms: 600, count: 1 });
    const inFlight = http2Request(busy, "GET", "/api/v1/setups/JSMITH", bearer(await h.token("jsmith@contoso.com")));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const stopping = h.close();
    expect((await inFlight).status).toBe(200);
    await stopping;
    await idleClosed;
    // Fastify alone would wait for the idle session's 72 s timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    idle.destroy();
    busy.destroy();
  }
}, 20_000);
