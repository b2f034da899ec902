/**
 * The X3 emulator: an HTTPS Fastify app speaking the api1 subset the gateway uses and X3's classic
 * SOAP web service (soap/), over in-memory tables of a demo folder SEED, with Basic and connected-app
 * authentication and, for tests and demos, fault injection. Built by a function so each test gets a
 * fresh one.
 */
import type { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { YesNoEncoding } from "../../core/x3YesNo";
import { diagnosesBody } from "../api1";
import { registerApi1 } from "./api1Routes";
import { DEV_CREDENTIALS, type EmulatorConnectedApp, type EmulatorCredentials } from "./auth";
import { applyTransportFault, FaultInjector } from "./faults";
import { SEED_ENDPOINT } from "./seed";
import { X3EmulatorStore } from "./store";
import { emptyCallCounts, type SoapCallCounts } from "./soap/calls";
import { ChannelPool } from "./soap/pool";
import { registerSoap, type SoapEmulatorOptions } from "./soap/routes";
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
  /** The classic SOAP web service: pool aliases, publications, the pool model. */
  readonly soap?: SoapEmulatorOptions;
  readonly logger?: FastifyServerOptions["logger"];
}

/** In-process access for tests: the tables, the fault injector, the api1 request and SOAP call counts, the SOAP pool. */
export interface X3EmulatorState {
  readonly store: X3EmulatorStore;
  readonly faults: FaultInjector;
  readonly requests: RequestCounts;
  readonly soapCalls: SoapCallCounts;
  readonly soapPool: ChannelPool;
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
    soapCalls: emptyCallCounts(),
    soapPool: new ChannelPool(options.soap?.pool),
    endpoint: SEED_ENDPOINT,
  };
  app.decorate("x3Emulator", state);

  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/api1/")) return;
    state.requests.total += 1;
    state.requests.byMethod[request.method] = (state.requests.byMethod[request.method] ?? 0) + 1;

    // A write is what another session's lock blocks; the host's web-service children are SOAP's only.
    const write = request.method === "PUT" || request.method === "POST";
    const fault = state.faults.take((f) => (f.kind === "locked" ? write : f.kind !== "noWebServiceChildren"));
    if (!fault) return;
    if (fault.kind === "diagnoses") return reply.code(200).send(diagnosesBody(fault.message));
    if (fault.kind === "locked") return reply.code(200).send(diagnosesBody("Locked record"));
    if ((await applyTransportFault(fault, request, reply)) === "answered") return reply;
  });

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send(diagnosesBody("Resource not found")));
  app.setErrorHandler(async (error: { statusCode?: number; message?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error(error);
    // No stack traces to clients; a client error's message is about their request.
    return reply.code(status).send(diagnosesBody(status === 500 ? "Internal error" : (error.message ?? "Bad request")));
  });

  const credentials = options.credentials ?? DEV_CREDENTIALS;
  registerApi1(app, {
    store: state.store,
    endpoint: state.endpoint,
    yesNo: options.yesNo ?? "localMenu",
    credentials,
    connectedApp: options.connectedApp,
  });
  registerSoap(app, {
    store: state.store,
    faults: state.faults,
    calls: state.soapCalls,
    pool: state.soapPool,
    credentials,
    connectedApp: options.connectedApp,
    options: options.soap ?? {},
  });
  if (options.testHooks ?? true) registerTestHooks(app, state);

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
