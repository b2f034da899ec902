/**
 * The gateway's time limits hold whatever X3 does. undici's body timeout only limits the gap between two
 * chunks, so an X3 (or proxy) that trickles its answer would hold a call — and the outbox lease of the
 * delivery making it — for ever without the transport's per-exchange deadline.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import { OutboxWorker, type OutboxOptions } from "../../src/server/outbox";
import type { SetupStore } from "../../src/server/store/setupStore";
import type { X3Port } from "../../src/server/x3Port";
import { resolveX3GatewayConfig } from "../../src/x3/config";
import { X3Error } from "../../src/x3/errors";
import { X3Gateway } from "../../src/x3/gateway";
import { exchangeDeadlineMs } from "../../src/x3/transport";
import { allFlags } from "../../src/core/flags";
import { failure, testFolder, testGateway, type TestFolder } from "../x3/fixture";

jest.setTimeout(20_000);

let folder: TestFolder;
let trickler: Server;
let url: string;
/** Requests the trickling server received, by method. */
const received: string[] = [];

beforeAll(async () => {
  folder = await testFolder();
  // Answers at once, then sends its body one byte every 100 ms, never ending it.
  trickler = createServer({ key: folder.tls.key, cert: folder.tls.cert }, (req, res) => {
    received.push(req.method ?? "");
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{");
    const timer = setInterval(() => res.write(" "), 100);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((ok) => trickler.listen(0, "127.0.0.1", ok));
  url = `https://127.0.0.1:${(trickler.address() as AddressInfo).port}`;
});

afterAll(async () => {
  trickler.closeAllConnections();
  await new Promise<void>((ok) => trickler.close(() => ok()));
  await folder.remove();
});

test("an answer trickled slower than the deadline is a transient timeout, after the connect + response deadline", async () => {
  const gateway = testGateway(url, folder, { connectTimeoutMs: 300, responseTimeoutMs: 400 });
  try {
    const started = Date.now();
    const error = await failure(gateway.readSyncpar("JSMITH"));
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(X3Error);
    expect(error).toMatchObject({ kind: "timeout", transient: true });
    expect((error as Error).message).toContain("no complete answer within 700 ms");
    expect(took).toBeGreaterThanOrEqual(650);
    expect(took).toBeLessThan(5000);
  } finally {
    await gateway.close();
  }
});

test("a delivery's write ends within the gateway's stated bound, and sends no write once its read has failed", async () => {
  const gateway = testGateway(url, folder, { connectTimeoutMs: 300, responseTimeoutMs: 400, retries: 1, retryBaseDelayMs: 50 });
  try {
    received.length = 0;
    const started = Date.now();
    await expect(gateway.writeSyncpar("JSMITH", allFlags(true))).rejects.toMatchObject({ kind: "timeout" });
    expect(Date.now() - started).toBeLessThanOrEqual(gateway.writeSyncparBoundMs);
    // The read was retried once (a transient failure); no PUT or POST followed a read that failed.
    expect(received).toEqual(["GET", "GET"]);
  } finally {
    await gateway.close();
  }
});

test("with the default settings, the slowest possible write fits in the outbox's default lease", () => {
  const gateway = new X3Gateway({ baseUrl: "https://x3.example.com", endpoint: "SEED", auth: { kind: "basic", user: "u", password: "p" } });
  const defaults = resolveX3GatewayConfig({ baseUrl: "https://x3.example.com", endpoint: "SEED", auth: { kind: "basic", user: "u", password: "p" } });
  expect(exchangeDeadlineMs(defaults)).toBe(defaults.connectTimeoutMs + defaults.responseTimeoutMs);
  // The worker's defaults are private; this reads the one a worker built without options really uses.
  const worker = new OutboxWorker({} as SetupStore, {} as X3Port, {} as FastifyBaseLogger);
  const { leaseMs } = (worker as unknown as { options: OutboxOptions }).options;
  // Otherwise a second worker could take the delivery and write the same row while the first write is on its way.
  expect(gateway.writeSyncparBoundMs).toBeLessThan(leaseMs);
});
