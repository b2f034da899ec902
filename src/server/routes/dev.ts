/**
 * Development mode only (never registered in production): sign in as any mailbox, and list the X3 users
 * the browser preview offers to sign in as.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { DevTokenRequestSchema, type DevToken } from "../../core/setup";
import type { DevTokenIssuer } from "../auth/tokens";
import { ProblemError } from "../problems";
import type { X3Port } from "../x3Port";

const LOOPBACK_PEERS = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const LOOPBACK_HOSTS = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

/**
 * Whether a request comes from this machine and was addressed to it by a loopback name. The peer is the
 * socket's, never X-Forwarded-For; the Host header defeats DNS rebinding: a page on evil.example whose
 * name resolves to 127.0.0.1 still sends `Host: evil.example`.
 */
export function fromLoopback(request: Pick<FastifyRequest, "socket" | "headers">): boolean {
  const peer = request.socket.remoteAddress ?? "";
  // HTTP/2 (what browsers speak to this server) has no Host header: its :authority is the same name.
  const authority = request.headers[":authority"];
  const host = request.headers.host ?? (typeof authority === "string" ? authority : "");
  return LOOPBACK_PEERS.has(peer) && LOOPBACK_HOSTS.test(host);
}

export const devRoutes: FastifyPluginAsync<{ issuer: DevTokenIssuer; x3: X3Port }> = async (app, opts) => {
  app.addHook("onRequest", async (request) => {
    if (!fromLoopback(request)) throw new ProblemError(404, "not-found");
  });

  app.post("/token", async (request, reply): Promise<DevToken> => {
    const { email } = DevTokenRequestSchema.parse(request.body);
    reply.header("cache-control", "no-store");
    return { access_token: await opts.issuer.issue(email), token_type: "Bearer", expires_in: opts.issuer.lifetimeSeconds };
  });

  app.get("/users", async () => ({ users: await opts.x3.listUsers() }));
};
