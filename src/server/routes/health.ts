/** Liveness (the process answers) and readiness (the store and X3 answer, saying which one does not). */
import type { FastifyBaseLogger, FastifyPluginAsync } from "fastify";
import type { SetupStore } from "../store/setupStore";
import { isTransientX3Error, type X3Port } from "../x3Port";

export type ReadinessChecks = Record<"store" | "x3", "ok" | "failed">;

/** How long one readiness answer is given again: load balancers probe every few seconds, anyone may ask. */
export const READINESS_CACHE_MS = 5_000;

/**
 * The readiness checks, run at most once per `cacheMs` whoever asks and however often: `/readyz` needs no
 * sign-in, and X3's web-service pool has a few connections shared with every user's saves, so a burst of
 * probes (or an outsider's flood) must not become a burst of X3 calls. Concurrent probes share one check.
 */
export class ReadinessProbe {
  private last: { checks: ReadinessChecks; at: number } | null = null;
  private running: Promise<ReadinessChecks> | null = null;

  constructor(
    private readonly opts: { store: SetupStore; x3: X3Port; probeUser: string; log: FastifyBaseLogger; cacheMs?: number; now?: () => number },
  ) {}

  check(): Promise<ReadinessChecks> {
    const now = (this.opts.now ?? Date.now)();
    if (this.last && now - this.last.at < (this.opts.cacheMs ?? READINESS_CACHE_MS)) return Promise.resolve(this.last.checks);
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<ReadinessChecks> {
    const { store, x3, probeUser, log } = this.opts;
    const checks: ReadinessChecks = { store: "ok", x3: "ok" };
    await store.ping().catch(() => (checks.store = "failed"));
    // Any answer from X3 — even "no such user" — proves it is reachable and accepts our credentials.
    const probe = x3.ping ? x3.ping(probeUser) : x3.getUser(probeUser);
    await probe.catch((err: unknown) => {
      checks.x3 = "failed";
      if (!isTransientX3Error(err)) log.warn({ err }, "X3 readiness probe refused");
    });
    this.last = { checks, at: (this.opts.now ?? Date.now)() };
    return checks;
  }
}

export const healthRoutes: FastifyPluginAsync<{ store: SetupStore; x3: X3Port; probeUser: string; readinessCacheMs?: number }> = async (app, opts) => {
  // Liveness says only that this process answers: it never reaches the store or X3.
  app.get("/healthz", async () => ({ status: "ok" }));

  const readiness = new ReadinessProbe({ ...opts, log: app.log, ...(opts.readinessCacheMs !== undefined ? { cacheMs: opts.readinessCacheMs } : {}) });
  app.get("/readyz", async (_request, reply) => {
    const checks = { ...(await readiness.check()) };
    const ready = checks.store === "ok" && checks.x3 === "ok";
    return reply.code(ready ? 200 : 503).header("cache-control", "no-store").send({ status: ready ? "ready" : "not-ready", checks });
  });
};
