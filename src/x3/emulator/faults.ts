/**
 * Fault injection for tests and demos: one fault at a time, applied to api1 and SOAP requests, for
 * `count` requests or until cleared, optionally after letting `after` requests through (to hit the
 * write that follows a read, say). A fault only counts the requests it can apply to: `locked` hits
 * writes only, `noWebServiceChildren` SOAP calls only.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";

const common = {
  count: z.number().int().positive().nullable().default(null),
  after: z.number().int().nonnegative().default(0),
};

export const FaultSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("unavailable"), ...common }),
  z.strictObject({ kind: z.literal("reset"), ...common }),
  z.strictObject({ kind: z.literal("latency"), ...common, ms: z.number().int().nonnegative().max(600_000) }),
  z.strictObject({ kind: z.literal("diagnoses"), ...common, message: z.string().min(1).max(500).default("Emulated X3 error") }),
  // The host has no web-service child processes: Syracuse's HTTP 500 "No Web services accepted".
  z.strictObject({ kind: z.literal("noWebServiceChildren"), ...common }),
  // Another session holds the record: X3 refuses the write ("Locked record").
  z.strictObject({ kind: z.literal("locked"), ...common }),
]);
export type Fault = z.output<typeof FaultSchema>;
/** A fault as callers write it: `count` and `after` may be left out. */
export type FaultInput = z.input<typeof FaultSchema>;

export class FaultInjector {
  private fault: Fault | null = null;
  /** Requests still to be affected; null: until cleared. */
  private remaining: number | null = null;
  /** Requests still to let through before the fault applies. */
  private skipping = 0;

  set(fault: FaultInput): void {
    const parsed = FaultSchema.parse(fault);
    this.fault = parsed;
    this.remaining = parsed.count;
    this.skipping = parsed.after;
  }

  clear(): void {
    this.fault = null;
    this.remaining = null;
    this.skipping = 0;
  }

  /** The fault to apply to the request now arriving, counting it down; `applies` says which it can hit. */
  take(applies: (fault: Fault) => boolean = () => true): Fault | null {
    const fault = this.fault;
    if (!fault || !applies(fault)) return null;
    if (this.skipping > 0) {
      this.skipping -= 1;
      return null;
    }
    if (this.remaining !== null) {
      this.remaining -= 1;
      if (this.remaining <= 0) this.clear();
    }
    return fault;
  }

  current(): { fault: Fault | null; remaining: number | null } {
    return { fault: this.fault, remaining: this.remaining };
  }
}

export const NO_WEB_SERVICES = "No Web services accepted";

/** Aborts when the client closes its connection; `dispose` when the request is done with it. */
export function connectionSignal(request: FastifyRequest): { readonly signal: AbortSignal; dispose(): void } {
  const socket = request.raw.socket;
  const abort = new AbortController();
  const onClose = (): void => abort.abort();
  socket.once("close", onClose);
  return { signal: abort.signal, dispose: () => socket.off("close", onClose) };
}

/**
 * Resolves to true after `ms`, or to false as soon as the client closes its connection, so no timer
 * outlives a request the client gave up on.
 */
export async function waitWhileConnected(request: FastifyRequest, ms: number): Promise<boolean> {
  const connection = connectionSignal(request);
  try {
    await sleep(ms, undefined, { signal: connection.signal });
    return true;
  } catch {
    return false;
  } finally {
    connection.dispose();
  }
}

/**
 * Applies the faults that happen below X3 (a proxy's 503, a reset connection, a slow network) the
 * same way to every protocol. Answers "answered" when the reply is done (or hijacked), "continue"
 * when the request goes on (after a latency, or for a fault the protocol answers itself).
 */
export async function applyTransportFault(
  fault: Fault,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<"answered" | "continue"> {
  switch (fault.kind) {
    case "unavailable":
      // What a proxy or a saturated Syracuse answers: not JSON, not SOAP.
      void reply.code(503).header("retry-after", "1").type("text/plain").send("Service Unavailable");
      return "answered";
    case "reset":
      reply.hijack();
      request.raw.socket.destroy();
      return "answered";
    case "latency":
      if (await waitWhileConnected(request, fault.ms)) return "continue";
      reply.hijack(); // the client is gone: nothing to answer
      return "answered";
    default:
      return "continue";
  }
}
