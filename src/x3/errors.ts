/**
 * What can go wrong talking to X3, as one error type the outbox can act on: `transient` says whether
 * trying again later may succeed. Messages name the operation and X3's own `$message`s, never a
 * password, secret or token.
 */
import type { SyncparRow } from "./records";

export const X3_ERROR_KINDS = [
  "unavailable",
  "timeout",
  "auth",
  "notFound",
  "diagnoses",
  "protocol",
  "tls",
  "conflict",
  /** A SOAP Fault (classic web services): the envelope or the call was refused before X3 ran it. */
  "soapFault",
  "notPublished",
] as const;
export type X3ErrorKind = (typeof X3_ERROR_KINDS)[number];

/** One entry of X3's `$diagnoses` array. */
export interface X3Diagnosis {
  readonly severity: string;
  readonly message: string;
}

export interface X3ErrorDetails {
  /** HTTP status, when X3 answered at all. */
  readonly status?: number;
  readonly diagnoses?: readonly X3Diagnosis[];
  /** What was attempted, e.g. "GET SYNCPAR('JSMITH')"; never carries credentials. */
  readonly operation?: string;
  /** Overrides the default for the kind (a 5xx reported as "unavailable" is transient, a 501 is not). */
  readonly transient?: boolean;
  readonly cause?: unknown;
}

const TRANSIENT_BY_KIND: Readonly<Record<X3ErrorKind, boolean>> = {
  unavailable: true,
  timeout: true,
  auth: false,
  notFound: false,
  diagnoses: false,
  protocol: false,
  tls: false,
  // X3's row changed under us: retrying blindly would overwrite someone's GESSYP edit.
  conflict: false,
  // SOAP 1.1: a Client fault will fail again unchanged; the SOAP error sets `transient` for Server faults.
  soapFault: false,
  // This X3 does not publish the object to this server (no REST class configured): only IT can change that.
  notPublished: false,
};

export class X3Error extends Error {
  override readonly name: string = "X3Error";
  readonly kind: X3ErrorKind;
  readonly transient: boolean;
  readonly status?: number;
  readonly diagnoses: readonly X3Diagnosis[];
  readonly operation?: string;

  constructor(kind: X3ErrorKind, message: string, details: X3ErrorDetails = {}) {
    const diagnoses = details.diagnoses ?? [];
    const x3Says = diagnoses.length > 0 ? `: ${diagnoses.map((d) => d.message).join(" / ")}` : "";
    const where = details.operation ? `X3 ${details.operation}: ` : "X3: ";
    super(`${where}${message}${x3Says}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.transient = details.transient ?? TRANSIENT_BY_KIND[kind];
    if (details.status !== undefined) this.status = details.status;
    if (details.operation !== undefined) this.operation = details.operation;
    this.diagnoses = diagnoses;
  }

  /** X3's own `$message`s, in order. */
  get messages(): string[] {
    return this.diagnoses.map((d) => d.message);
  }
}

export function isX3Error(error: unknown): error is X3Error {
  return error instanceof X3Error;
}

/**
 * X3's SYNCPAR row is not the one the caller expected: someone changed it (GESSYP, another replica)
 * since it was last read. X3 wins (ARCHITECTURE.md): the caller reconciles with `current` and decides.
 */
export class X3ConflictError extends X3Error {
  override readonly name: string = "X3ConflictError";
  constructor(
    message: string,
    readonly current: SyncparRow | null,
    details: X3ErrorDetails = {},
  ) {
    super("conflict", message, details);
  }
}
