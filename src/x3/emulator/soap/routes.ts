/**
 * X3's classic SOAP web service on the emulator's port (issue 19, item 5): `POST /soap-generic/…/
 * CAdxWebServiceXmlCC` over the same tables as api1, and the WSDL at `GET /soap-wsdl/…?wsdl`.
 *
 * A call goes: authentication (HTTP 401), the envelope (SOAP Fault, HTTP 500), an injected fault,
 * the host's web-service children (HTTP 500 "No Web services accepted"), a child of the pool (waiting
 * its turn, then holding it for the modelled call time), and X3's own checks and operation.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { authenticate, type EmulatorConnectedApp, type EmulatorCredentials } from "../auth";
import {
  applyTransportFault,
  connectionSignal,
  NO_WEB_SERVICES,
  waitWhileConnected,
  type Fault,
  type FaultInjector,
} from "../faults";
import type { X3EmulatorStore } from "../store";
import { countCall, type SoapCallCounts } from "./calls";
import { parseSoapRequest, SoapFaultError, type SoapCall } from "./envelope";
import { ModStamps } from "./modStamp";
import { isWrite, SoapService, type InjectedError } from "./operations";
import type { ChannelPool, PoolModel } from "./pool";
import { isSoapOperation, publications, type PublicationOptions } from "./publications";
import { faultEnvelope, resultEnvelope, SOAP_CONTENT_TYPE } from "./response";
import { wsdlFor } from "./wsdl";
import { DEFAULT_XML_LIMITS, type XmlLimits } from "./xml";

export const SOAP_PATH = "/soap-generic/syracuse/collaboration/syracuse/CAdxWebServiceXmlCC";
export const WSDL_PATH = "/soap-wsdl/syracuse/collaboration/syracuse/CAdxWebServiceXmlCC";

/** The emulator's `soap` option. */
export interface SoapEmulatorOptions {
  /** Classic SOAP pool aliases that exist; `["SEED"]` by default. */
  readonly pools?: readonly string[];
  /** Publication names, group layouts, "Invisible fields". */
  readonly publications?: PublicationOptions;
  /** Envelope size and depth limits. */
  readonly limits?: Partial<XmlLimits>;
  /** Web-service children and time per call; many and instant by default (POST /__emulator/pool changes it). */
  readonly pool?: PoolModel;
}

export const DEFAULT_POOL_ALIASES: readonly string[] = ["SEED"];

export interface SoapDependencies {
  readonly store: X3EmulatorStore;
  readonly faults: FaultInjector;
  readonly calls: SoapCallCounts;
  readonly pool: ChannelPool;
  readonly credentials: EmulatorCredentials;
  readonly connectedApp: EmulatorConnectedApp | undefined;
  readonly options: SoapEmulatorOptions;
}

function sendFault(reply: FastifyReply, status: number, faultcode: "Client" | "Server", message: string): FastifyReply {
  return reply.code(status).type(SOAP_CONTENT_TYPE).send(faultEnvelope(faultcode, message));
}

function x3Error(fault: Fault | null): InjectedError | null {
  if (fault?.kind === "locked") return { kind: "locked" };
  if (fault?.kind === "diagnoses") return { kind: "diagnoses", message: fault.message };
  return null;
}

export function registerSoap(app: FastifyInstance, deps: SoapDependencies): void {
  const { store, faults, calls, pool } = deps;
  const limits: XmlLimits = { ...DEFAULT_XML_LIMITS, ...deps.options.limits };
  const service = new SoapService(store, new ModStamps(store), {
    pools: new Set(deps.options.pools ?? DEFAULT_POOL_ALIASES),
    publications: publications(deps.options.publications),
  });

  const user = (authorization: string | undefined): Promise<string | null> =>
    authenticate(authorization, deps.credentials, deps.connectedApp, (code) => Boolean(store.get("AUTILIS", code)));
  const unauthorized = (reply: FastifyReply): FastifyReply =>
    reply.code(401).header("www-authenticate", 'Basic realm="Sage X3"').type("text/plain").send("Authentication failed");

  app.get(WSDL_PATH, async (request, reply) => {
    // PORTAL authenticates its WSDL fetch too (X3-SOAP.md §1.1 [I]).
    if (!(await user(request.headers.authorization))) return unauthorized(reply);
    return reply.type(SOAP_CONTENT_TYPE).send(wsdlFor(`https://${request.host}${SOAP_PATH}`));
  });

  // Its own scope: Syracuse reads the body whatever the Content-Type says (text/xml, text/html, JSON…).
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string", bodyLimit: limits.maxBytes }, (_request, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler(async (error: { statusCode?: number; message?: string }, request, reply) => {
      if (error.statusCode === 413) return sendFault(reply, 413, "Client", "Request too large");
      request.log.error(error);
      return sendFault(reply, 500, "Server", "Internal error");
    });

    scope.post(SOAP_PATH, async (request, reply) => {
      const who = await user(request.headers.authorization);
      if (!who) return unauthorized(reply);
      let call: SoapCall;
      try {
        call = parseSoapRequest(typeof request.body === "string" ? request.body : "", limits);
      } catch (error) {
        if (error instanceof SoapFaultError) return sendFault(reply, 500, error.faultcode, error.message);
        throw error;
      }
      const operation = call.operation;
      if (!isSoapOperation(operation)) return sendFault(reply, 500, "Client", `Unknown operation ${operation}`);

      const fault = faults.take((f) => f.kind !== "locked" || isWrite(operation));
      if (fault && (await applyTransportFault(fault, request, reply)) === "answered") return reply;
      if (fault?.kind === "noWebServiceChildren" || !pool.accepting) return sendFault(reply, 500, "Server", NO_WEB_SERVICES);

      const started = performance.now();
      const connection = connectionSignal(request);
      const entry = await pool.acquire(connection.signal);
      connection.dispose();
      if (!entry) return reply.hijack(); // the client left while waiting for a child
      try {
        const execStarted = performance.now();
        if (pool.callMs > 0 && !(await waitWhileConnected(request, pool.callMs))) return reply.hijack();
        const result = service.answer({ ...call, operation }, who, x3Error(fault), request.headers["accept-language"]);
        countCall(calls, operation, call.publicName.trim(), result.status);
        const now = performance.now();
        const timings = { waitMs: entry.waitMs, execMs: now - execStarted, totalMs: now - started, poolEntryIdx: entry.index };
        return reply.type(SOAP_CONTENT_TYPE).send(resultEnvelope(operation, result, timings));
      } finally {
        entry.release();
      }
    });
  });
}
