/** Who the signed-in user is in X3, and whether they administer other users' setups. */
import type { FastifyPluginAsync } from "fastify";
import type { Me } from "../../core/setup";

export const meRoutes: FastifyPluginAsync<{ development: boolean }> = async (app, opts) => {
  app.get("/me", async (request, reply): Promise<Me> => {
    const caller = request.caller!;
    reply.header("cache-control", "no-store");
    return { user: caller.user, administrator: caller.administrator, development: opts.development };
  });
};
