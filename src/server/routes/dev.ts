/**
 * Development mode only (never registered in production): sign in as any mailbox, and list the X3 users
 * the browser preview offers to sign in as.
 */
import type { FastifyPluginAsync } from "fastify";
import { DevTokenRequestSchema, type DevToken } from "../../core/setup";
import type { DevTokenIssuer } from "../auth/tokens";
import type { X3Port } from "../x3Port";

export const devRoutes: FastifyPluginAsync<{ issuer: DevTokenIssuer; x3: X3Port }> = async (app, opts) => {
  app.post("/token", async (request, reply): Promise<DevToken> => {
    const { email } = DevTokenRequestSchema.parse(request.body);
    reply.header("cache-control", "no-store");
    return { access_token: await opts.issuer.issue(email), token_type: "Bearer", expires_in: opts.issuer.lifetimeSeconds };
  });

  app.get("/users", async () => ({ users: await opts.x3.listUsers() }));
};
