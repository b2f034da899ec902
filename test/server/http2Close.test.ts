/**
 * Over HTTP/2 a browser keeps its session open after its last request; the server must still stop at once when
 * asked (a restart, a deployment), answering what is in flight first.
 */
import { connect, constants, type ClientHttp2Session } from "node:http2";
import { testFolder, type TestFolder } from "../x3/fixture";
import { bearer, type Harness, startHarness } from "./harness";

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

function get(session: ClientHttp2Session, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ [constants.HTTP2_HEADER_PATH]: path, ...headers });
    let status = 0;
    stream.on("response", (h) => (status = Number(h[constants.HTTP2_HEADER_STATUS])));
    stream.resume();
    stream.on("end", () => resolve(status));
    stream.on("error", reject);
    stream.end();
  });
}

it("stops at once though a browser keeps an idle HTTP/2 session, after answering the request in flight", async () => {
  const url = `https://localhost:${(h.app.server.address() as { port: number }).port}`;
  const open = () => connect(url, { ca: tls.tls.ca });
  const idle = open();
  const busy = open();
  const idleClosed = new Promise<void>((resolve) => idle.once("close", () => resolve()));
  try {
    expect(await get(idle, "/healthz")).toBe(200);
    // X3 takes 600 ms to answer the read: the request is still in flight when the server is asked to stop.
    h.emulator.app.x3Emulator.faults.set({ kind: "latency", ms: 600, count: 1 });
    const inFlight = get(busy, "/api/v1/setups/JSMITH", bearer(await h.token("jsmith@contoso.com")));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const stopping = h.close();
    expect(await inFlight).toBe(200);
    await stopping;
    await idleClosed;
    // Fastify alone would wait for the idle session's 72 s timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    idle.destroy();
    busy.destroy();
  }
}, 20_000);
