/** Who the signed-in user is in X3, whether they administer other users' setups, and what X3 still needs. */
import type { FastifyPluginAsync } from "fastify";
import type { Me } from "../../core/setup";
import type { Directory } from "../directory";

export const meRoutes: FastifyPluginAsync<{ development: boolean; directory: Directory }> = async (app, opts) => {
  app.get("/me", async (request, reply): Promise<Me> => {
    const caller = request.caller!;
    reply.header("cache-control", "no-store");
    return {
      user: caller.user,
      administrator: caller.administrator,
      development: opts.development,
      prerequisites: await opts.directory.prerequisites(caller.user.code),
    };
  });
};
