/**
 * The server's configuration: environment variables, validated once at start. Every variable is
 * documented in README.md ("Configuration") and in .env.example.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { YES_NO_ENCODINGS } from "../core/x3YesNo";
import { parseFieldGroups, parseMessageCatalogue, type SoapGatewayConfig } from "../x3";
import type { X3GatewayConfig, X3Table } from "../x3/config";
import { entraPaneSettings } from "./auth/configRoute";

const optional = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === "" ? undefined : s.trim()));

const list = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? "")
      .split(",")
      .map((x) => x.trim().toUpperCase())
      .filter(Boolean),
  );

const EnvSchema = z.object({
  ADDIN_MODE: z.enum(["development", "production"]).default("development"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default(".data"),
  STATIC_DIR: z.string().default("dist"),
  TLS_CERT_FILE: optional,
  TLS_KEY_FILE: optional,
  /**
   * Behind a TLS-terminating proxy: serve plain HTTP and trust X-Forwarded-* from it. Best given as the
   * proxy's addresses ("10.0.0.5,10.0.0.6" or a CIDR) or its number of hops ("1"): "true" trusts any hop,
   * and then a client could pick its own address for the rate limits.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx): boolean | number | string[] => {
      const value = (v ?? "").trim();
      if (value === "" || value === "false") return false;
      if (value === "true") return true;
      if (/^\d+$/.test(value)) return Number(value);
      const list = value.split(",").map((x) => x.trim()).filter(Boolean);
      if (list.every((x) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(x))) return list;
      ctx.addIssue({ code: "custom", message: "TRUST_PROXY is true, false, a hop count, or the proxies' addresses (comma-separated, CIDR allowed)" });
      return z.NEVER;
    }),
  SQLITE_FILE: optional,
  /** postgres://… : the store on PostgreSQL (several replicas share it); unset: SQLite. */
  DATABASE_URL: optional,
  /** Development: ADMIN by default. Production: none (administrators come from the app role or this list). */
  ADMIN_USERS: list,
  DEV_TOKEN_SECRET: optional,
  /** Production sign-in: the Entra ID tenant's issuer, the add-in API's audience, and the tenant's JWKS. */
  AUTH_ISSUER: optional,
  AUTH_AUDIENCE: optional,
  AUTH_JWKS_URL: optional,
  /** The pane's sign-in (GET /api/v1/auth/config); by default from AUTH_AUDIENCE and AUTH_ISSUER. */
  AUTH_CLIENT_ID: optional,
  AUTH_AUTHORITY: optional,
  AUTH_SCOPE: optional,
  /** App role in the access token that makes the caller an administrator. */
  AUTH_ADMIN_ROLE: z.string().default("SyncSetup.Admin"),
  X3_BASE_URL: optional,
  /**
   * soap: setups and users through X3's classic SOAP web service (objects published in GESAWE, no X3
   * development); rest: everything through Syracuse REST "api1" classes the site developed.
   */
  X3_PROTOCOL: z.enum(["soap", "rest"]).default("soap"),
  /** The Classic SOAP pool's Alias (required with X3_PROTOCOL=soap and X3_BASE_URL). */
  X3_SOAP_POOL_ALIAS: optional,
  X3_SOAP_LANG: z.string().default("ENG"),
  X3_SOAP_REQUEST_CONFIG: optional,
  X3_SOAP_SETUP_PUBLICATION: z.string().default("YSYP"),
  X3_SOAP_USER_PUBLICATION: z.string().default("YAUS"),
  /** Field groups of the setup publication, "GROUP:FIELD,FIELD;GROUP:FIELD" (learned from X3 when unset). */
  X3_SOAP_SETUP_GROUPS: optional,
  /** More X3 message texts per language, JSON: {"GER":{"locked":["…"]}} (locked, poolUnavailable, unknownPublication). */
  X3_SOAP_MESSAGES: optional,
  X3_SOAP_USER_LIST_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  X3_SOAP_USER_READ_CONCURRENCY: z.coerce.number().int().min(1).max(4).default(1),
  /** How often the directory of X3 users (for sign-in and the administrators' search) is read again. */
  X3_USER_DIRECTORY_REFRESH_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  X3_ENDPOINT: z.string().default("SEED"),
  /** basic: X3_USER / X3_PASSWORD · connectedApp: a Syracuse connected application's signed JWT. */
  X3_AUTH: z.enum(["basic", "connectedApp"]).default("basic"),
  X3_USER: optional,
  X3_PASSWORD: optional,
  X3_CLIENT_ID: optional,
  X3_CLIENT_SECRET: optional,
  X3_JWT_AUDIENCE: z.string().default("x3"),
  X3_JWT_LIFETIME_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  X3_CA_FILE: optional,
  X3_YES_NO: z.enum(YES_NO_ENCODINGS).default("localMenu"),
  X3_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  X3_RESPONSE_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** Class and representation names, per table: "CLASS" or "CLASS/REPRESENTATION" (default: the table's name). */
  X3_CLASS_SYNCPAR: optional,
  X3_CLASS_AUTILIS: optional,
  X3_CLASS_ADOVALAUS: optional,
  X3_CLASS_ADOVAL: optional,
  X3_CLASS_SYNCDATA: optional,
  /** Company policy (defaults and locks) IT provides as a JSON file, applied at start. */
  POLICY_FILE: optional,
  /** Requests a minute: per client address (all routes), and per signed-in mailbox (the API). */
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_PER_USER: z.coerce.number().int().min(1).default(300),
  /** X3 lookups a second, for all sign-ins together, to find a mailbox's X3 user (answers are cached). */
  IDENTITY_LOOKUPS_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(5),
  /** How old the last known mailbox → X3 user mapping may be to stand in while X3 cannot be asked. */
  IDENTITY_FALLBACK_MAX_AGE_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  X3_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8124),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(2000),
  /** How long a delivery is a worker's: by default X3's slowest possible write plus a margin, at least 5 min. */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(1000).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.output<typeof EnvSchema>;

/** Every variable the server reads (README.md's configuration table lists each). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface ServerConfig extends Env {
  readonly development: boolean;
  readonly dataDir: string;
  readonly staticDir: string;
  readonly sqliteFile: string;
  /** True when no X3 is configured and the X3 emulator runs inside the server (development only). */
  readonly embeddedEmulator: boolean;
}

export class ConfigError extends Error {}

/** A zod error as "path: message" lines, for configuration and policy-file messages. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** An http:// JWKS is accepted on loopback only (a local mirror, the tests' tenant): no network to tamper with it. */
function jwksUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "AUTH_JWKS_URL is not a URL";
  }
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, ""))) return null;
  return "AUTH_JWKS_URL must be an https:// URL: the keys it gives decide who may sign in";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${issueLines(parsed.error).map((l) => `  ${l}`).join("\n")}`);
  }
  const e = parsed.data;
  const development = e.ADDIN_MODE === "development";
  const problems: string[] = [];
  if (development && !LOOPBACK.has(e.HOST)) {
    problems.push(`HOST=${e.HOST}: development mode signs anyone in and must listen on loopback only`);
  }
  if (development) {
    // Development signs anyone in: behind a proxy (TRUST_PROXY) it would be reachable from afar, and AUTH_*
    // says production sign-in was meant. Raw variables, not parsed ones: AUTH_ADMIN_ROLE has a default.
    const meantForProduction = Object.keys(env)
      .filter((name) => (name === "TRUST_PROXY" || (name.startsWith("AUTH_") && CONFIG_VARIABLES.includes(name))) && !["", "false"].includes((env[name] ?? "").trim()))
      .sort();
    if (meantForProduction.length) {
      problems.push(`${meantForProduction.join(", ")}: not accepted in development mode, which signs anyone in (set ADDIN_MODE=production)`);
    }
  }
  // Only v2 access tokens are accepted (src/server/auth/tokens.ts), and they carry the v2 issuer: a v1 issuer
  // would refuse every sign-in, so it is said at start.
  if (!development && e.AUTH_ISSUER && /^https:\/\/sts\.windows\.net\//i.test(e.AUTH_ISSUER)) {
    problems.push("AUTH_ISSUER is a v1 issuer: give https://login.microsoftonline.com/<tenant id>/v2.0 and set the API's accessTokenAcceptedVersion to 2 (only v2 access tokens are accepted)");
  }
  if (e.AUTH_JWKS_URL) {
    const problem = jwksUrlProblem(e.AUTH_JWKS_URL);
    if (problem) problems.push(problem);
  }
  if (!development) {
    for (const name of ["AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL"] as const) {
      if (!e[name]) problems.push(`${name} is required in production mode (sign-in with Microsoft Entra ID)`);
    }
  }
  if (!development && e.AUTH_ISSUER && e.AUTH_AUDIENCE) {
    try {
      entraPaneSettings({ ...e, development });
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (!development && !e.X3_BASE_URL) problems.push("X3_BASE_URL is required in production mode");
  if (!development && !e.TRUST_PROXY && !(e.TLS_CERT_FILE && e.TLS_KEY_FILE)) {
    problems.push("production mode needs TLS_CERT_FILE and TLS_KEY_FILE, or TRUST_PROXY (hops or addresses) behind a TLS proxy");
  }
  if ((e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined)) {
    problems.push("TLS_CERT_FILE and TLS_KEY_FILE go together");
  }
  if (e.X3_BASE_URL && !e.X3_BASE_URL.startsWith("https://")) problems.push("X3_BASE_URL must be an https:// URL");
  // The address is printed at start and may be logged: credentials in it would be written down with it.
  if (e.X3_BASE_URL && /^[a-z]+:\/\/[^/?#]*@/i.test(e.X3_BASE_URL)) {
    problems.push("X3_BASE_URL must not hold credentials (user:password@): give them as X3_USER and X3_PASSWORD");
  }
  if (e.X3_BASE_URL && e.X3_AUTH === "basic" && !(e.X3_USER && e.X3_PASSWORD)) {
    problems.push("X3_USER and X3_PASSWORD are required with X3_BASE_URL (or X3_AUTH=connectedApp)");
  }
  if (e.X3_BASE_URL && e.X3_AUTH === "connectedApp" && !(e.X3_CLIENT_ID && e.X3_CLIENT_SECRET && e.X3_USER)) {
    problems.push("X3_AUTH=connectedApp needs X3_CLIENT_ID, X3_CLIENT_SECRET and X3_USER (the X3 user the calls act as)");
  }
  if (e.X3_BASE_URL && e.X3_PROTOCOL === "soap" && !e.X3_SOAP_POOL_ALIAS) {
    problems.push("X3_SOAP_POOL_ALIAS is required with X3_PROTOCOL=soap: the Alias of the Classic SOAP pool (Administration > Web services > Classic SOAP pools configuration)");
  }
  if (e.X3_SOAP_SETUP_GROUPS) {
    try {
      parseFieldGroups(e.X3_SOAP_SETUP_GROUPS);
    } catch (err) {
      problems.push(`X3_SOAP_SETUP_GROUPS: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (e.X3_SOAP_MESSAGES) {
    try {
      parseMessageCatalogue(e.X3_SOAP_MESSAGES);
    } catch (err) {
      problems.push(`X3_SOAP_MESSAGES: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);

  const dataDir = resolve(cwd, e.DATA_DIR);
  return {
    ...e,
    ADMIN_USERS: development && e.ADMIN_USERS.length === 0 ? ["ADMIN"] : e.ADMIN_USERS,
    development,
    dataDir,
    staticDir: resolve(cwd, e.STATIC_DIR),
    sqliteFile: e.SQLITE_FILE ? resolve(cwd, e.SQLITE_FILE) : resolve(dataDir, "addin.sqlite"),
    embeddedEmulator: development && !e.X3_BASE_URL,
  };
}

const CLASS_VARIABLES = {
  SYNCPAR: "X3_CLASS_SYNCPAR",
  AUTILIS: "X3_CLASS_AUTILIS",
  ADOVALAUS: "X3_CLASS_ADOVALAUS",
  ADOVAL: "X3_CLASS_ADOVAL",
  SYNCDATA: "X3_CLASS_SYNCDATA",
} as const satisfies Record<X3Table, keyof Env>;

/** The gateway's settings for a configured (real) X3. */
export function x3GatewayConfig(config: ServerConfig): X3GatewayConfig {
  const classes: Partial<Record<X3Table, { className: string; representation?: string }>> = {};
  for (const [table, variable] of Object.entries(CLASS_VARIABLES) as [X3Table, keyof Env][]) {
    const value = config[variable] as string | undefined;
    if (!value) continue;
    const [className, representation] = value.split("/").map((p) => p.trim());
    classes[table] = { className: className!, ...(representation ? { representation } : {}) };
  }
  return {
    baseUrl: config.X3_BASE_URL!,
    endpoint: config.X3_ENDPOINT,
    auth:
      config.X3_AUTH === "connectedApp"
        ? {
            kind: "connectedApp",
            clientId: config.X3_CLIENT_ID!,
            secret: config.X3_CLIENT_SECRET!,
            user: config.X3_USER!,
            audience: config.X3_JWT_AUDIENCE,
            lifetimeSeconds: config.X3_JWT_LIFETIME_SECONDS,
          }
        : { kind: "basic", user: config.X3_USER!, password: config.X3_PASSWORD! },
    classes,
    yesNo: config.X3_YES_NO,
    connectTimeoutMs: config.X3_CONNECT_TIMEOUT_MS,
    responseTimeoutMs: config.X3_RESPONSE_TIMEOUT_MS,
    ...(config.X3_CA_FILE ? { ca: readFileSync(config.X3_CA_FILE, "utf8") } : {}),
  };
}

/** The SOAP gateway's settings: the connection (X3's, or the emulator's) and the SOAP variables. */
export function soapGatewayConfig(
  config: ServerConfig,
  connection: Pick<SoapGatewayConfig, "baseUrl" | "auth" | "ca" | "connectTimeoutMs" | "responseTimeoutMs" | "poolAlias">,
): SoapGatewayConfig {
  return {
    connectTimeoutMs: config.X3_CONNECT_TIMEOUT_MS,
    responseTimeoutMs: config.X3_RESPONSE_TIMEOUT_MS,
    ...connection,
    language: config.X3_SOAP_LANG,
    setupPublication: config.X3_SOAP_SETUP_PUBLICATION,
    userPublication: config.X3_SOAP_USER_PUBLICATION,
    userListSize: config.X3_SOAP_USER_LIST_SIZE,
    userReadConcurrency: config.X3_SOAP_USER_READ_CONCURRENCY,
    ...(config.X3_SOAP_REQUEST_CONFIG ? { requestConfig: config.X3_SOAP_REQUEST_CONFIG } : {}),
    ...(config.X3_SOAP_SETUP_GROUPS ? { setupGroups: parseFieldGroups(config.X3_SOAP_SETUP_GROUPS) } : {}),
    ...(config.X3_SOAP_MESSAGES ? { messages: parseMessageCatalogue(config.X3_SOAP_MESSAGES) } : {}),
  };
}
