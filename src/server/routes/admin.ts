/** Administrators: the X3 user list (GESSYP's header picker), company policy, and the X3 connection test. */
import type { FastifyPluginAsync } from "fastify";
import { PolicySchema } from "../../core/policy";
import { etagOf, type UsersPage, UserSearchQuerySchema } from "../../core/setup";
import type { ConnectionReport } from "../../x3/connectionCheck";
import type { Directory } from "../directory";
import { ProblemError } from "../problems";
import type { SetupService } from "../setupService";
import { expectedVersion, requireAdministrator } from "./setups";

export interface AdminRouteOptions {
  readonly setups: SetupService;
  readonly directory: Directory;
  readonly connectionCheck: ((userCode: string) => Promise<ConnectionReport>) | null;
}

export const adminRoutes: FastifyPluginAsync<AdminRouteOptions> = async (app, opts) => {
  app.get("/users", async (request, reply): Promise<UsersPage> => {
    requireAdministrator(request);
    const { search, page, pageSize } = UserSearchQuerySchema.parse(request.query);
    let found;
    try {
      found = await opts.directory.search(search, page, pageSize);
    } catch {
      throw new ProblemError(503, "x3-unavailable", "X3's user list cannot be read right now.");
    }
    reply.header("cache-control", "no-store");
    return { ...found, page, pageSize };
  });

  // Every signed-in user may read the policy: its locks and reasons are shown in their pane.
  app.get("/policy", async (_request, reply) => {
    const current = await opts.setups.policy();
    reply.header("etag", etagOf(current.version)).header("cache-control", "no-store");
    return { policy: current.policy, version: current.version };
  });

  app.put("/policy", async (request, reply) => {
    requireAdministrator(request);
    const expected = expectedVersion(request);
    const policy = PolicySchema.parse(request.body);
    const saved = await opts.setups.updatePolicy(policy, expected, request.caller!.email);
    reply.header("etag", etagOf(saved.version)).header("cache-control", "no-store");
    return { policy: saved.policy, version: saved.version };
  });

  app.post("/admin/x3-check", async (request, reply) => {
    requireAdministrator(request);
    if (!opts.connectionCheck) throw new ProblemError(404, "not-found");
    reply.header("cache-control", "no-store");
    return opts.connectionCheck(request.caller!.user.code);
  });
};
