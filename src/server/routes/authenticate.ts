/** The bearer token → the caller (mailbox, X3 user, administrator or not), on every /api/v1 request. */
import type { FastifyRequest, preParsingAsyncHookHandler, preValidationAsyncHookHandler } from "fastify";
import { CachingTokenVerifier, InvalidTokenError, type TokenVerifier, type VerifiedCaller } from "../auth/tokens";
import type { ServerConfig } from "../config";
import type { IdentityResolver } from "../identity";
import { ProblemError } from "../problems";

declare module "fastify" {
  interface FastifyRequest {
    /** What the bearer token says, once verified (before the X3 user is known). */
    verified: VerifiedCaller | null;
  }
}

export interface Authentication {
  /** preParsing: the token's signature and claims. */
  readonly verify: preParsingAsyncHookHandler;
  /** preValidation: the X3 user, once the per-mailbox rate limit (preParsing, route level) has let the request in. */
  readonly resolve: preValidationAsyncHookHandler;
}

/**
 * Two steps, with the per-mailbox rate limit between them: a mailbox that floods the API is refused before
 * anything asks X3 who it is (issue 22). The hooks run in this order because the rate limit is a route-level
 * preParsing hook (they run after the instance's) and the X3 lookup a preValidation one.
 */
export function authenticate(deps: {
  verifier: TokenVerifier;
  identity: IdentityResolver;
  config: Pick<ServerConfig, "ADMIN_USERS" | "AUTH_ADMIN_ROLE">;
}): Authentication {
  // A pane sends its token with every request: its signature is checked once, then remembered until the
  // token expires (see CachingTokenVerifier for why that answers exactly as checking again would).
  const verifier = deps.verifier instanceof CachingTokenVerifier ? deps.verifier : new CachingTokenVerifier(deps.verifier);
  // preParsing, not onRequest: the per-address rate limit (a route-level onRequest hook) runs first, so
  // guessing tokens is rate-limited too, and no body is read for an unknown caller.
  const verify: preParsingAsyncHookHandler = async (request, _reply, payload) => {
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(header);
    const challenge = { "www-authenticate": 'Bearer realm="x3-sync-setup"' };
    if (!match) throw new ProblemError(401, "unauthenticated", "Send an access token as a Bearer authorization.", {}, challenge);
    try {
      request.verified = await verifier.verify(match[1]!);
    } catch (err) {
      const reason = err instanceof InvalidTokenError ? err.reason : "the token is not valid";
      throw new ProblemError(401, "unauthenticated", `Sign in again: ${reason}.`, {}, {
        "www-authenticate": `Bearer realm="x3-sync-setup", error="invalid_token"`,
      });
    }
    return payload;
  };
  const resolve = async (request: FastifyRequest): Promise<void> => {
    const verified = request.verified;
    // verify ran first or refused the request; this is never reached without it.
    if (!verified) throw new ProblemError(401, "unauthenticated", "Send an access token as a Bearer authorization.");
    const { email, roles, tenantId, objectId } = verified;
    const user = await deps.identity.resolve(email, { tenantId, objectId });
    const administrator = deps.config.ADMIN_USERS.includes(user.code.toUpperCase()) || roles.includes(deps.config.AUTH_ADMIN_ROLE);
    request.caller = { email, user, administrator };
    // Every later line of this request, "request completed" included, names the X3 user. Fastify gives each
    // request a logger of its own (a child of the server's, reply.log the same one): it gets the binding,
    // rather than a child of the child being made for every request.
    // (Without a logger, Fastify's stand-in has no setBindings.)
    const log = request.log as typeof request.log & { setBindings?: (bindings: Record<string, unknown>) => void };
    log.setBindings?.({ x3User: user.code });
  };
  return { verify, resolve };
}
