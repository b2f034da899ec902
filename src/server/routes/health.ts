/** Liveness (the process answers) and readiness (the store and X3 answer, saying which one does not). */
import type { FastifyPluginAsync } from "fastify";
import type { SetupStore } from "../store/setupStore";
import { isTransientX3Error, type X3Port } from "../x3Port";

export const healthRoutes: FastifyPluginAsync<{ store: SetupStore; x3: X3Port; probeUser: string }> = async (app, opts) => {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const checks: Record<"store" | "x3", "ok" | "failed"> = { store: "ok", x3: "ok" };
    await opts.store.ping().catch(() => (checks.store = "failed"));
    // Any answer from X3 — even "no such user" — proves it is reachable and accepts our credentials.
    const probe = opts.x3.ping ? opts.x3.ping(opts.probeUser) : opts.x3.getUser(opts.probeUser);
    await probe.catch((err: unknown) => {
      checks.x3 = "failed";
      if (!isTransientX3Error(err)) app.log.warn({ err }, "X3 readiness probe refused");
    });
    const ready = checks.store === "ok" && checks.x3 === "ok";
    return reply.code(ready ? 200 : 503).header("cache-control", "no-store").send({ status: ready ? "ready" : "not-ready", checks });
  });
};
