/**
 * The X3 emulator: an HTTPS Fastify app speaking the api1 subset the gateway uses, over in-memory
 * tables of a demo folder SEED, with Basic and connected-app authentication and, for tests and demos,
 * fault injection. Built by a function so each test gets a fresh one.
 */
import type { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { YesNoEncoding } from "../../core/x3YesNo";
import { diagnosesBody } from "../api1";
import { registerApi1 } from "./api1Routes";
import { DEV_CREDENTIALS, type EmulatorConnectedApp, type EmulatorCredentials } from "./auth";
import { FaultInjector } from "./faults";
import { SEED_ENDPOINT } from "./seed";
import { X3EmulatorStore } from "./store";
import { registerTestHooks, type RequestCounts } from "./testHooks";

export interface X3EmulatorOptions {
  readonly tls: { readonly key: string; readonly cert: string };
  /** Basic credentials; admin / admin by default. */
  readonly credentials?: EmulatorCredentials;
  /** Accept bearer JWTs of this connected application; without it only Basic works. */
  readonly connectedApp?: EmulatorConnectedApp;
  /** JSON file loaded at start and saved on every change; absent or null: in memory only. */
  readonly dataFile?: string | null;
  /** The `/__emulator` routes (faults, request counts, row edits); on by default. */
  readonly testHooks?: boolean;
  /** How the published representations show yes/no fields; X3's local menu 1/2 by default. */
  readonly yesNo?: YesNoEncoding;
  readonly logger?: FastifyServerOptions["logger"];
}

/** In-process access for tests: the tables, the fault injector and the api1 request counts. */
export interface X3EmulatorState {
  readonly store: X3EmulatorStore;
  readonly faults: FaultInjector;
  readonly requests: RequestCounts;
  readonly endpoint: string;
}

export type X3EmulatorApp = FastifyInstance<HttpsServer> & { readonly x3Emulator: X3EmulatorState };

export async function createX3Emulator(options: X3EmulatorOptions): Promise<X3EmulatorApp> {
  const app = Fastify({
    https: { key: options.tls.key, cert: options.tls.cert },
    logger: options.logger ?? false,
    // A test closing the emulator must not wait for a connection held open by a latency fault.
    forceCloseConnections: true,
  });
  const state: X3EmulatorState = {
    store: X3EmulatorStore.open(options.dataFile ?? undefined),
    faults: new FaultInjector(),
    requests: { total: 0, byMethod: {} },
    endpoint: SEED_ENDPOINT,
  };
  app.decorate("x3Emulator", state);

  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/api1/")) return;
    state.requests.total += 1;
    state.requests.byMethod[request.method] = (state.requests.byMethod[request.method] ?? 0) + 1;

    const fault = state.faults.take();
    if (!fault) return;
    switch (fault.kind) {
      case "unavailable":
        // What a proxy or a saturated Syracuse answers: not JSON.
        return reply.code(503).header("retry-after", "1").type("text/plain").send("Service Unavailable");
      case "reset":
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      case "diagnoses":
        return reply.code(200).send(diagnosesBody(fault.message));
      case "latency": {
        // Stop waiting when the client gives up, so no timer outlives a timed-out request.
        const socket = request.raw.socket;
        const abort = new AbortController();
        const onClose = (): void => abort.abort();
        socket.once("close", onClose);
        try {
          await sleep(fault.ms, undefined, { signal: abort.signal });
        } catch {
          return reply.hijack(); // the client is gone: nothing to answer
        } finally {
          socket.off("close", onClose);
        }
        return;
      }
    }
  });

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send(diagnosesBody("Resource not found")));
  app.setErrorHandler(async (error: { statusCode?: number; message?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error(error);
    // No stack traces to clients; a client error's message is about their request.
    return reply.code(status).send(diagnosesBody(status === 500 ? "Internal error" : (error.message ?? "Bad request")));
  });

  registerApi1(app, {
    store: state.store,
    endpoint: state.endpoint,
    yesNo: options.yesNo ?? "localMenu",
    credentials: options.credentials ?? DEV_CREDENTIALS,
    connectedApp: options.connectedApp,
  });
  if (options.testHooks ?? true) registerTestHooks(app, state.store, state.faults, state.requests);

  await app.ready();
  return app as unknown as X3EmulatorApp; // the decoration above is what the intersection adds
}

export interface StartX3EmulatorOptions extends Omit<X3EmulatorOptions, "dataFile"> {
  readonly host?: string;
  /** 8124 by default (Syracuse's usual port); 0 picks a free one. */
  readonly port?: number;
  /** Defaults to the X3_EMULATOR_DATA environment variable; null: in memory only. */
  readonly dataFile?: string | null;
}

export interface RunningX3Emulator {
  /** e.g. https://127.0.0.1:8124, what the gateway's baseUrl should be. */
  readonly url: string;
  readonly app: X3EmulatorApp;
  close(): Promise<void>;
}

export async function startX3Emulator(options: StartX3EmulatorOptions): Promise<RunningX3Emulator> {
  const { host = "127.0.0.1", port = 8124, dataFile, ...rest } = options;
  const app = await createX3Emulator({
    ...rest,
    dataFile: dataFile === undefined ? process.env.X3_EMULATOR_DATA || null : dataFile,
  });
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return { url: `https://${shownHost}:${address.port}`, app, close: () => app.close() };
}
