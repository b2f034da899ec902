/**
 * One api1 exchange: HTTPS with our timeouts and trusted CAs, the Authorization header, JSON in and
 * out, and every failure turned into an X3Error. Reads are retried a few times with jitter; writes
 * are not (the outbox re-runs the whole write, which re-reads first).
 */
import { rootCertificates } from "node:tls";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import { collectDiagnoses, isBlocking, isPlainObject } from "./api1";
import { createX3Authorizer, type X3Authorizer } from "./auth";
import type { ResolvedX3GatewayConfig } from "./config";
import { X3Error } from "./errors";

export type X3Method = "GET" | "PUT" | "POST";
export type X3Body = Record<string, unknown>;

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);

/** The error codes along the cause chain: undici wraps socket and TLS failures. */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

function isTlsCode(code: string): boolean {
  return (
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_") ||
    code.startsWith("CERT_") ||
    code.includes("SELF_SIGNED") ||
    code.startsWith("UNABLE_TO_") ||
    code === "HOSTNAME_MISMATCH"
  );
}

function networkError(error: unknown, operation: string): X3Error {
  const codes = errorCodes(error);
  const timeout = codes.find((c) => TIMEOUT_CODES.has(c));
  if (timeout) return new X3Error("timeout", `no answer in time (${timeout})`, { operation, cause: error });
  const tls = codes.find(isTlsCode);
  if (tls) {
    return new X3Error("tls", `the TLS connection failed (${tls}); check the certificate X3 presents and the CA setting`, {
      operation,
      cause: error,
    });
  }
  // Refused, reset, closed, DNS failure: X3 or the network between may come back.
  return new X3Error("unavailable", `cannot reach X3 (${codes.join(", ") || "connection failed"})`, { operation, cause: error });
}

function parseJson(text: string): unknown {
  try {
    return text.trim() === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * The longest one exchange may take, start to finish: the connection, then the whole answer, headers and
 * body, within the response timeout. undici's body timeout only limits each gap between chunks, so an X3
 * (or a proxy) trickling a body would otherwise hold a call — and the outbox lease of the delivery making
 * it — for ever. api1 answers are small (a row, a page of records): a slow but honest X3 fits.
 */
export function exchangeDeadlineMs(config: Pick<ResolvedX3GatewayConfig, "connectTimeoutMs" | "responseTimeoutMs">): number {
  return config.connectTimeoutMs + config.responseTimeoutMs;
}

/** The longest `send` may take: every attempt to its deadline, and the longest sleep between them. */
export function sendBoundMs(
  config: Pick<ResolvedX3GatewayConfig, "connectTimeoutMs" | "responseTimeoutMs" | "retries" | "retryBaseDelayMs">,
  method: X3Method,
): number {
  const attempts = method === "GET" ? config.retries + 1 : 1;
  let sleeps = 0;
  for (let attempt = 1; attempt < attempts; attempt++) sleeps += config.retryBaseDelayMs * 2 ** (attempt - 1);
  return attempts * exchangeDeadlineMs(config) + sleeps;
}

/** What one HTTP exchange with X3 carries, whatever the protocol on top (api1 JSON, classic SOAP). */
export interface X3ExchangeRequest {
  readonly method: X3Method;
  readonly url: string;
  /** Names what was attempted in errors; never carries credentials. */
  readonly operation: string;
  /** Besides Authorization, which the exchange adds itself. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Refuse a longer answer (bytes): a hostile or broken peer cannot make us buffer without end. */
  readonly maxBodyBytes?: number;
}

export interface X3ExchangeResponse {
  readonly status: number;
  readonly text: string;
}

/**
 * The low-level exchange both protocols share: our agent (timeouts, trusted CAs, a few sockets), the
 * Authorization header, one deadline for the whole answer, and network failures turned into X3Errors.
 * It does not judge the HTTP status: each protocol reads its own answers.
 */
export class X3Exchange {
  private readonly agent: Agent;
  private readonly authorizer: X3Authorizer;
  private readonly deadlineMs: number;

  constructor(config: Pick<ResolvedX3GatewayConfig, "auth" | "ca" | "connectTimeoutMs" | "responseTimeoutMs">) {
    this.deadlineMs = exchangeDeadlineMs(config);
    this.authorizer = createX3Authorizer(config.auth);
    this.agent = new Agent({
      connect: {
        timeout: config.connectTimeoutMs,
        // `ca` replaces Node's roots, so the extra certificate is added to them rather than alone.
        ...(config.ca ? { ca: [...rootCertificates, config.ca] } : {}),
      },
      headersTimeout: config.responseTimeoutMs,
      bodyTimeout: config.responseTimeoutMs,
      // X3's web-service pools are small; a handful of sockets is plenty.
      connections: 4,
    });
  }

  async exchange(req: X3ExchangeRequest): Promise<X3ExchangeResponse> {
    const headers = { ...req.headers, authorization: await this.authorizer.header() };
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.deadlineMs);
    try {
      const res = await request(req.url, {
        method: req.method,
        headers,
        body: req.body,
        dispatcher: this.agent,
        signal: deadline.signal,
      });
      const text =
        req.maxBodyBytes === undefined
          ? await res.body.text()
          : await boundedText(res.body, req.maxBodyBytes, req.operation, charsetOf(res.headers["content-type"]));
      return { status: res.statusCode, text };
    } catch (error) {
      if (error instanceof X3Error) throw error;
      if (deadline.signal.aborted) {
        throw new X3Error("timeout", `no complete answer within ${this.deadlineMs} ms`, { operation: req.operation, cause: error });
      }
      throw networkError(error, req.operation);
    } finally {
      clearTimeout(timer);
    }
  }

  /** After a 401: forget any cached token so the next call signs a fresh one. */
  invalidateCredentials(): void {
    this.authorizer.invalidate();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** The charset a Content-Type names, when Node can decode it; UTF-8 otherwise. */
function charsetOf(contentType: string | string[] | undefined): string {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  const param = (value ?? "")
    .split(";")
    .map((p) => p.trim())
    .find((p) => p.toLowerCase().startsWith("charset="));
  const charset = param?.slice("charset=".length).replace(/^"|"$/g, "").trim() ?? "";
  try {
    return charset ? new TextDecoder(charset).encoding : "utf-8";
  } catch {
    return "utf-8";
  }
}

/** The body as text in its charset, refused (and the socket released) once it passes `maxBytes`. */
async function boundedText(
  body: AsyncIterable<Uint8Array> & { destroy(): unknown },
  maxBytes: number,
  operation: string,
  charset: string,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy();
      throw new X3Error("protocol", `the answer is larger than ${maxBytes} bytes`, { operation });
    }
    chunks.push(chunk);
  }
  return new TextDecoder(charset).decode(Buffer.concat(chunks));
}

/** Retries a read after a transient failure, with full jitter; a write runs once (the outbox re-runs it). */
export async function withReadRetries<T>(
  config: Pick<ResolvedX3GatewayConfig, "retries" | "retryBaseDelayMs">,
  isRead: boolean,
  attemptOnce: () => Promise<T>,
): Promise<T> {
  const attempts = isRead ? config.retries + 1 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce();
    } catch (error) {
      if (!(error instanceof X3Error) || !error.transient || attempt >= attempts) throw error;
      // Full jitter: replicas retrying together do not hit X3's small pool in step.
      const cap = config.retryBaseDelayMs * 2 ** (attempt - 1);
      await sleep(Math.round(Math.random() * cap));
    }
  }
}

export class X3Transport {
  private readonly exchanger: X3Exchange;
  private readonly origin: string;

  constructor(private readonly config: ResolvedX3GatewayConfig) {
    this.origin = new URL(config.baseUrl).origin;
    this.exchanger = new X3Exchange(config);
  }

  /**
   * X3 builds `$next` from its own idea of its host name, which behind a proxy may not be the one we
   * call. Credentials only ever go to the configured origin: a foreign origin keeps its path and query.
   */
  sameOrigin(url: string): string {
    const parsed = new URL(url, this.config.baseUrl);
    if (parsed.origin === this.origin) return parsed.href;
    return `${this.origin}${parsed.pathname}${parsed.search}`;
  }

  async send(method: X3Method, url: string, operation: string, body?: X3Body): Promise<X3Body> {
    return withReadRetries(this.config, method === "GET", () => this.once(method, url, operation, body));
  }

  private async once(method: X3Method, url: string, operation: string, body?: X3Body): Promise<X3Body> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    const { status, text } = await this.exchanger.exchange({
      method,
      url,
      operation,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

    const json = parseJson(text);
    const diagnoses = collectDiagnoses(json);
    if (status === 401 || status === 403) {
      if (status === 401) this.exchanger.invalidateCredentials();
      const what = status === 401 ? "X3 refused the credentials" : "the X3 user lacks the rights for this";
      throw new X3Error("auth", `${what} (HTTP ${status})`, { status, diagnoses, operation });
    }
    if (status === 404) throw new X3Error("notFound", "not found (HTTP 404)", { status, diagnoses, operation });
    if (status === 408) throw new X3Error("timeout", "X3 timed out (HTTP 408)", { status, diagnoses, operation });
    if (status === 429 || status >= 500) {
      throw new X3Error("unavailable", `X3 is unavailable or busy (HTTP ${status})`, { status, diagnoses, operation });
    }
    if (status < 200 || status >= 300) {
      const kind = diagnoses.some(isBlocking) ? "diagnoses" : "protocol";
      throw new X3Error(kind, `X3 refused the request (HTTP ${status})`, { status, diagnoses, operation });
    }
    // X3 reports business-rule failures with HTTP 200 and $diagnoses (X3-CONTRACT.md, [S]).
    if (diagnoses.some(isBlocking)) {
      throw new X3Error("diagnoses", "X3 reported an error", { status, diagnoses: diagnoses.filter(isBlocking), operation });
    }
    if (!isPlainObject(json)) {
      throw new X3Error("protocol", `expected a JSON object (HTTP ${status})`, { status, operation });
    }
    return json;
  }

  async close(): Promise<void> {
    await this.exchanger.close();
  }
}
