/**
 * The server part's latency split: each connection's first request (which waits for the connection's
 * set-up) apart from the requests on open connections, from the response times autocannon records.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { ConnectionLatencies } from "../../bench/connectionLatency";

/** How long the server holds the first request on each connection: a stand-in for a slow handshake. */
const FIRST_DELAY_MS = 300;
const CONNECTIONS = 4;
const REQUESTS = 60;

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const socket = req.socket as typeof req.socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    // Every tenth request on an open connection fails: autocannon keeps only 2xx latencies, and so does the split.
    const status = socket.served > 1 && socket.served % 10 === 0 ? 500 : 200;
    const answer = () => res.writeHead(status, { "content-type": "application/json" }).end("{}");
    if (socket.served === 1) setTimeout(answer, FIRST_DELAY_MS);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("each connection's first request is kept apart from the requests on open connections", async () => {
  const latencies = new ConnectionLatencies();
  const result = await autocannon({ url, connections: CONNECTIONS, amount: REQUESTS, setupClient: latencies.attach });
  const { firstOnConnection, onOpenConnection } = latencies.summary();

  expect(result.requests.total).toBe(REQUESTS);
  expect(firstOnConnection.count).toBe(CONNECTIONS);
  expect(firstOnConnection.p50).toBeGreaterThanOrEqual(FIRST_DELAY_MS);
  expect(firstOnConnection.max).toBeGreaterThanOrEqual(firstOnConnection.p50);
  // The 500s are not counted, as autocannon does not count them in its own latencies.
  expect(onOpenConnection.count).toBe(result["2xx"] - CONNECTIONS);
  expect(onOpenConnection.count).toBeLessThan(REQUESTS - CONNECTIONS);
  // autocannon's own p99 over the same load includes the held first requests; the split's does not.
  expect(result.latency.p99).toBeGreaterThanOrEqual(FIRST_DELAY_MS - 1);
  expect(onOpenConnection.p99).toBeLessThan(FIRST_DELAY_MS / 3);
});

test("a load without answers summarises to zeros, not NaN", () => {
  expect(new ConnectionLatencies().summary()).toEqual({
    onOpenConnection: { count: 0, p50: 0, p99: 0 },
    firstOnConnection: { count: 0, p50: 0, max: 0 },
  });
});
