/**
 * How to reach one X3 folder. Class and representation names, the endpoint and the yes/no encoding
 * are configuration because a customer publishes its own classes for SYNCPAR, ADOVALAUS and SYNCDATA
 * (X3-CONTRACT.md, [I]); the defaults are the table names.
 */
import type { YesNoEncoding } from "../core/x3YesNo";

export const X3_TABLES = ["SYNCPAR", "AUTILIS", "ADOVALAUS", "ADOVAL", "SYNCDATA"] as const;
export type X3Table = (typeof X3_TABLES)[number];

export interface X3ClassBinding {
  readonly className: string;
  readonly representation: string;
}

export type X3Classes = Readonly<Record<X3Table, X3ClassBinding>>;

export type X3Auth =
  | { readonly kind: "basic"; readonly user: string; readonly password: string }
  | {
      /** A Syracuse connected application: we sign a short-lived HS256 JWT with its secret. */
      readonly kind: "connectedApp";
      readonly clientId: string;
      readonly secret: string;
      /** The X3 user the calls act as (the JWT's `sub`). */
      readonly user: string;
      readonly audience: string;
      readonly lifetimeSeconds: number;
    };

export interface X3GatewayConfig {
  /** e.g. https://x3.example.com:8124 (no trailing path needed). */
  readonly baseUrl: string;
  /** The X3 folder's endpoint, e.g. "SEED". */
  readonly endpoint: string;
  readonly auth: X3Auth;
  readonly classes?: Partial<Record<X3Table, Partial<X3ClassBinding>>>;
  readonly yesNo?: YesNoEncoding;
  /** Extra PEM certificate(s) to trust besides the system roots (a private CA, a self-signed X3). */
  readonly ca?: string;
  readonly connectTimeoutMs?: number;
  /** Limit for the response headers, then again for each gap in the body. */
  readonly responseTimeoutMs?: number;
  /** Retries of reads after a transient failure; writes are never retried here (the outbox re-runs them). */
  readonly retries?: number;
  readonly retryBaseDelayMs?: number;
  /** `count=` of each `$query` page. */
  readonly pageSize?: number;
}

export interface ResolvedX3GatewayConfig {
  readonly baseUrl: string;
  readonly endpoint: string;
  readonly auth: X3Auth;
  readonly classes: X3Classes;
  readonly yesNo: YesNoEncoding;
  readonly ca: string | undefined;
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
  readonly retries: number;
  readonly retryBaseDelayMs: number;
  readonly pageSize: number;
}

export function defaultX3Classes(): X3Classes {
  return Object.fromEntries(X3_TABLES.map((t) => [t, { className: t, representation: t }])) as Record<
    X3Table,
    X3ClassBinding
  >;
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new RangeError(`X3 gateway: invalid ${name}`);
  return v;
}

/** What any protocol needs to reach X3: where, who, which CA, how long to wait, how often to retry a read. */
export type X3ConnectionConfig = Pick<
  X3GatewayConfig,
  "baseUrl" | "auth" | "ca" | "connectTimeoutMs" | "responseTimeoutMs" | "retries" | "retryBaseDelayMs"
>;
export type ResolvedX3Connection = Pick<
  ResolvedX3GatewayConfig,
  "baseUrl" | "auth" | "ca" | "connectTimeoutMs" | "responseTimeoutMs" | "retries" | "retryBaseDelayMs"
>;

/** Shared by api1 and classic SOAP: both talk to the same Syracuse with the same credentials. */
export function resolveX3Connection(config: X3ConnectionConfig): ResolvedX3Connection {
  let base: URL;
  try {
    base = new URL(config.baseUrl);
  } catch {
    throw new RangeError("X3 gateway: baseUrl is not a URL");
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new RangeError("X3 gateway: baseUrl must be https");
  if (config.auth.kind === "connectedApp") positive("lifetimeSeconds", config.auth.lifetimeSeconds, 0);
  return {
    baseUrl: base.href.replace(/\/+$/, ""),
    auth: config.auth,
    ca: config.ca,
    connectTimeoutMs: positive("connectTimeoutMs", config.connectTimeoutMs, 5000),
    responseTimeoutMs: positive("responseTimeoutMs", config.responseTimeoutMs, 10_000),
    retries: Math.floor(positive("retries", config.retries, 2, true)),
    retryBaseDelayMs: positive("retryBaseDelayMs", config.retryBaseDelayMs, 200, true),
  };
}

export function resolveX3GatewayConfig(config: X3GatewayConfig): ResolvedX3GatewayConfig {
  const connection = resolveX3Connection(config);
  if (!config.endpoint.trim()) throw new RangeError("X3 gateway: endpoint is required");
  const defaults = defaultX3Classes();
  const classes = Object.fromEntries(
    X3_TABLES.map((t) => [
      t,
      {
        className: config.classes?.[t]?.className ?? defaults[t].className,
        representation: config.classes?.[t]?.representation ?? defaults[t].representation,
      },
    ]),
  ) as Record<X3Table, X3ClassBinding>;
  return {
    ...connection,
    endpoint: config.endpoint,
    classes,
    yesNo: config.yesNo ?? "localMenu",
    pageSize: Math.floor(positive("pageSize", config.pageSize, 100)),
  };
}
