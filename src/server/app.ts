/**
 * Composes the add-in server. Built by a function so tests get a fresh instance (`app.inject`) without a
 * port, and `main.ts` adds TLS and the listening socket.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { Http2SecureServer } from "node:http2";
import { basename, dirname, join } from "node:path";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { type Policy, PolicySchema } from "../core/policy";
import { ZodError } from "zod";
import type { X3User } from "../core/setup";
import type { DevTokenIssuer, TokenVerifier } from "./auth/tokens";
import { ConfigError, issueLines, type ServerConfig } from "./config";
import { openSessions } from "./http2Sessions";
import { IdentityResolver } from "./identity";
import { OutboxWorker, type OutboxOptions } from "./outbox";
import { registerCompression } from "./plugins/compression";
import { registerSecurity, registerUserRateLimit } from "./plugins/security";
import { inlineScriptSources, registerStaticFiles } from "./plugins/staticFiles";
import { PROBLEM_CONTENT_TYPE, ProblemError, problem } from "./problems";
import { authConfigRoutes, entraPaneSettings } from "./auth/configRoute";
import { openApiDocument } from "./openapi";
import { authenticate } from "./routes/authenticate";
import { devRoutes } from "./routes/dev";
import { healthRoutes } from "./routes/health";
import { meRoutes } from "./routes/me";
import { setupRoutes } from "./routes/setups";
import { adminRoutes } from "./routes/admin";
import { Directory } from "./directory";
import type { ConnectionReport } from "../x3/connectionCheck";
import { SetupService } from "./setupService";
import type { SetupStore } from "./store/setupStore";
import type { X3Port } from "./x3Port";

export interface Caller {
  readonly email: string;
  readonly user: X3User;
  readonly administrator: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    outbox: OutboxWorker;
    /** Every route registered, as "METHOD /path" (the OpenAPI document must describe each API route). */
    registeredRoutes: string[];
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export interface AppDependencies {
  readonly config: ServerConfig;
  readonly store: SetupStore;
  readonly x3: X3Port;
  readonly verifier: TokenVerifier;
  /** Present in development mode only: the development sign-in endpoint exists only with it. */
  readonly devIssuer: DevTokenIssuer | null;
  readonly https?: { key: string; cert: string } | null;
  readonly logger?: FastifyServerOptions["logger"];
  readonly outbox?: Partial<OutboxOptions>;
  readonly deliveryBudgetMs?: number;
  readonly rateLimitPerMinute?: number;
  readonly userRateLimitPerMinute?: number;
  /** The administrators' X3 connection test (absent when the X3 side is not the gateway). */
  /** `userCode`: the signed-in administrator, whose setup the test reads (SOAP). */
  readonly connectionCheck?: (userCode: string) => Promise<ConnectionReport>;
}

export const BODY_LIMIT_BYTES = 16 * 1024;

/** A request's address for the logs: the path, and the query's names (short, plain ones only) without their values. */
export function loggedUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const names = url
    .slice(q + 1)
    .split("&")
    .filter(Boolean)
    .map((pair) => pair.split("=")[0]!)
    .map((name) => `${/^[A-Za-z_][\w-]{0,31}$/.test(name) ? name : "…"}=…`);
  return `${url.slice(0, q)}?${names.join("&")}`;
}

/**
 * Never in a log line: the bearer token, cookies, and query values — a client that puts a token or a
 * code in the address (`?access_token=`) must not have it written down, and a search may be a name.
 */
const LOG_REDACTION = {
  redact: ["req.headers.authorization", "req.headers.cookie"],
  serializers: {
    req: (req: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
      method: req.method,
      url: loggedUrl(req.url),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    }),
  },
};

/**
 * The access log: one line per request, as it completes, with what Fastify's own "incoming request" line
 * would have said (the address, the caller) beside the status and the time taken — rather than two lines.
 */
class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, "request errored");
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "request completed");
  }
}

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
/**
 * The add-in's version, as package.json says: the nearest package.json above this file, which is
 * src/server (tests), build/server (the server) or build/bench/src/server (the benchmark).
 */
export const APP_VERSION: string = readPackageVersion(__dirname);

/**
 * A lease must outlast the slowest write, or a second worker could write the same user while the first
 * write is still on its way: X3's bound plus a minute, never under the 5-minute default; an operator's
 * setting wins (a shorter one is their call, e.g. with a fast X3 on the same network).
 */
export function outboxLeaseMs(configured: number | undefined, writeBoundMs: number | undefined): number {
  return configured ?? Math.max(300_000, (writeBoundMs ?? 0) + 60_000);
}

function readPackageVersion(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The policy IT provides as a file replaces the stored one at start when they differ. */
async function applyPolicyFile(setups: SetupService, file: string, log: FastifyBaseLogger): Promise<void> {
  let policy: Policy;
  try {
    policy = PolicySchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (err) {
    const reason = err instanceof ZodError ? issueLines(err).join("; ") : String(err);
    throw new ConfigError(`POLICY_FILE ${file} is not a valid policy: ${reason}`);
  }
  // Several replicas start with the same file: whoever loses the race finds the policy already there.
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await setups.policy();
    if (JSON.stringify(current.policy) === JSON.stringify(policy)) return;
    try {
      await setups.updatePolicy(policy, current.version, `policy file ${basename(file)}`);
      log.info({ file }, "company policy applied from the policy file");
      return;
    } catch (err) {
      if (!(err instanceof ProblemError && err.status === 412)) throw err;
    }
  }
  throw new ConfigError(`POLICY_FILE ${file}: the stored policy keeps changing; try again`);
}

/**
 * Node's server.close() waits for every HTTP/2 session to end, and a browser keeps its session open after its
 * last request (Fastify ends an idle one only after 72 s): a restart would wait that long. On close each session
 * is told to go away (GOAWAY): its requests in flight are still answered, and no new one is taken.
 */
function endSessionsOnClose(app: FastifyInstance, server: Http2SecureServer): void {
  const sessions = openSessions(server);
  app.addHook("preClose", (done) => {
    for (const session of sessions) session.close();
    done();
  });
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config } = deps;
  // Filled once the security plugin is registered, before the app answers anything.
  let securityHeaders: Record<string, string> = {};
  const options: FastifyServerOptions = {
    // A logger given by the caller (a test's stream, a level) keeps the redaction: what is checked is what runs.
    logger: deps.logger === false ? false : { level: config.LOG_LEVEL, ...LOG_REDACTION, ...(typeof deps.logger === "object" ? deps.logger : {}) },
    bodyLimit: BODY_LIMIT_BYTES,
    // A hop count becomes "trust the n nearest hops"; addresses and booleans pass through.
    trustProxy: typeof config.TRUST_PROXY === "number" ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    genReqId: () => randomUUID(),
    logController: new AccessLog(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 100 },
    // An address that cannot be decoded (%FF, %00…) or a parameter over maxParamLength is answered before
    // routing, hooks and error handler: without this, as Fastify's own JSON with no security header.
    frameworkErrors: (err, request, reply) => {
      const tooLong = err.code === "FST_ERR_MAX_PARAM_LENGTH";
      const status = tooLong ? 414 : 400;
      // Fastify types this reply generically; it is an ordinary one.
      (reply as unknown as FastifyReply)
        .code(status)
        .headers({ ...securityHeaders, "x-request-id": request.id, "cache-control": "no-store" })
        .type(PROBLEM_CONTENT_TYPE)
        .send(problem(status, "invalid-request", tooLong ? "The address is too long." : "The address is not valid."));
    },
  };
  // Where this server terminates TLS it speaks HTTP/2 to browsers that offer it (ALPN): a pane's scripts, style
  // sheet and strings then come over the connection its page came on, instead of each opening a connection with
  // a TLS handshake of its own (docs/PERFORMANCE.md, section 2); HTTP/1.1 clients are served as before. Fastify
  // types these servers apart; the routes do not care which one serves them.
  const app = (
    deps.https
      ? Fastify({ ...options, http2: true, https: { allowHTTP1: true, ...deps.https } } as FastifyServerOptions)
      : Fastify(options)
  ) as FastifyInstance;
  if (deps.https) {
    const server = app.server as unknown as Http2SecureServer & { keepAliveTimeout?: number };
    // Fastify gives its HTTP/1 servers their keep-alive timeout (72 s) but not the HTTP/2 server's HTTP/1.1
    // connections, which would then stay open for good once idle (measured): the same timeout for them.
    server.keepAliveTimeout = app.initialConfig.keepAliveTimeout;
    endSessionsOnClose(app, server);
  }

  const registeredRoutes: string[] = [];
  app.decorate("registeredRoutes", registeredRoutes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push(`${method} ${route.url}`);
  });

  // JSON only: a text/plain body is refused with 415 like any other type.
  app.removeContentTypeParser(["text/plain"]);

  app.setErrorHandler((err, request, reply) => {
    const send = (p: ReturnType<typeof problem>, headers: Record<string, string> = {}) =>
      reply.code(p.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(p);
    if (err instanceof ProblemError) return send(err.toProblem(request.url), err.headers);
    if (err instanceof ZodError) {
      const errors = err.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
      return send(problem(400, "invalid-request", errors.map((e) => `${e.path}: ${e.message}`).join("; "), request.url, { errors }));
    }
    const e = err as { code?: string; statusCode?: number; message?: string };
    switch (e.code) {
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return send(problem(413, "body-too-large", `Bodies are limited to ${BODY_LIMIT_BYTES} bytes.`, request.url));
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        return send(problem(415, "unsupported-media-type", undefined, request.url));
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
      case "FST_ERR_CTP_INVALID_JSON_BODY":
        return send(problem(400, "malformed-json", undefined, request.url));
    }
    if (e.statusCode === 429) {
      return send(problem(429, "rate-limited", "Wait a minute before trying again.", request.url));
    }
    if (err instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message ?? ""))) {
      return send(problem(400, "malformed-json", undefined, request.url));
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return send(problem(e.statusCode, "invalid-request", undefined, request.url));
    }
    request.log.error({ err }, "unhandled error");
    return send(problem(500, "internal", `Quote request ${request.id} to your IT support.`, request.url));
  });

  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-request-id", request.id);
    done(null, payload);
  });

  app.decorateRequest("caller", null);
  app.decorateRequest("verified", null);

  securityHeaders = await registerSecurity(app, {
    rateLimitPerMinute: deps.rateLimitPerMinute ?? config.RATE_LIMIT_PER_ADDRESS,
    inlineScripts: inlineScriptSources(config.staticDir),
  });
  await registerCompression(app);

  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
    reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem(404, "not-found", undefined, request.url));
  });

  const outbox = new OutboxWorker(deps.store, deps.x3, app.log, {
    pollMs: config.OUTBOX_POLL_MS,
    concurrency: config.OUTBOX_CONCURRENCY,
    leaseMs: outboxLeaseMs(config.OUTBOX_LEASE_MS, deps.x3.writeSyncparBoundMs),
    ...deps.outbox,
  });
  app.decorate("outbox", outbox);
  app.addHook("onClose", () => outbox.stop());

  const identity = new IdentityResolver(deps.x3, deps.store, {
    // The SOAP directory is a stored copy that rations its own X3 reads: only api1 lookups reach X3 each time.
    lookupsPerSecond: deps.x3.usersFromStore ? Number.POSITIVE_INFINITY : config.IDENTITY_LOOKUPS_PER_SECOND,
    fallbackMaxAgeMs: config.IDENTITY_FALLBACK_MAX_AGE_HOURS * 3_600_000,
    log: app.log,
  });
  const directory = new Directory(deps.x3);
  const setups = new SetupService(deps.store, deps.x3, outbox, { deliveryBudgetMs: deps.deliveryBudgetMs ?? 3000 });
  if (config.POLICY_FILE) await applyPolicyFile(setups, config.POLICY_FILE, app.log);
  // A start after a crash in the middle of enforcing a policy finishes the job.
  await setups.enforceLocks((await setups.policy()).policy, "policy");

  await app.register(healthRoutes, { store: deps.store, x3: deps.x3, probeUser: config.ADMIN_USERS[0] ?? "ADMIN" });
  const openapi = openApiDocument({ development: config.development, version: APP_VERSION });
  app.get("/api/v1/openapi.json", async () => openapi);
  await app.register(authConfigRoutes, { prefix: "/api/v1/auth", entra: entraPaneSettings(config) });
  if (deps.devIssuer) await app.register(devRoutes, { prefix: "/api/v1/dev", issuer: deps.devIssuer, x3: deps.x3 });
  await app.register(
    async (api) => {
      const auth = authenticate({ verifier: deps.verifier, identity, config });
      api.addHook("preParsing", auth.verify);
      // Between the two: the per-mailbox limit (a route-level preParsing hook) counts before X3 is asked.
      await registerUserRateLimit(api, deps.userRateLimitPerMinute ?? config.RATE_LIMIT_PER_USER);
      api.addHook("preValidation", auth.resolve);
      await api.register(meRoutes, { development: config.development, directory });
      await api.register(setupRoutes, { setups, store: deps.store, directory, x3: deps.x3 });
      await api.register(adminRoutes, { setups, directory, connectionCheck: deps.connectionCheck ?? null });
    },
    { prefix: "/api/v1" },
  );
  await registerStaticFiles(app, config.staticDir, { sourceMaps: config.development });
  return app;
}
