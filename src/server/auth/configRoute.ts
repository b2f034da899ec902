/**
 * `GET /api/v1/auth/config`: how the pane signs in. Unauthenticated (the pane needs it before it has a
 * token) and public by nature: a client id, an authority and a scope are no secrets, and without this
 * route the pane's bundle would have to be built per tenant.
 */
import type { FastifyPluginAsync } from "fastify";

import type { PaneSignIn } from "../../core/setup";

export interface EntraPaneSettings {
  /** The add-in's Entra ID application (client) id. */
  readonly clientId: string;
  /** `https://login.microsoftonline.com/<tenant id>`. */
  readonly authority: string;
  /** The API's scope; when absent, `api://<the host that serves the pane>/<client id>/access_as_user`. */
  readonly scope: string | null;
}

export interface AuthConfigRouteOptions {
  /** null in development mode: the pane uses the development sign-in. */
  readonly entra: EntraPaneSettings | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// v2 tokens: https://login.microsoftonline.com/<tenant>/v2.0 · v1 tokens: https://sts.windows.net/<tenant>/
const V2_ISSUER = /^(https:\/\/[^/]+\/[^/]+)\/v2\.0\/?$/;
const V1_ISSUER = /^https:\/\/sts\.windows\.net\/([^/]+)\/?$/;

/** The scope Office add-ins expose: their application ID URI is `api://<host>/<client id>`. */
export function defaultScope(host: string, clientId: string): string {
  return `api://${host}/${clientId}/access_as_user`;
}

export class PaneSignInConfigError extends Error {}

/**
 * The pane's settings from the server's configuration. `AUTH_CLIENT_ID` and `AUTH_AUTHORITY` may be left
 * out when `AUTH_AUDIENCE` (the client id, or `api://<host>/<client id>`) and `AUTH_ISSUER` already say
 * them. Typed structurally so it reads `ServerConfig` without depending on which of these it declares.
 */
export function entraPaneSettings(config: {
  readonly development: boolean;
  readonly AUTH_CLIENT_ID?: string | undefined;
  readonly AUTH_AUTHORITY?: string | undefined;
  readonly AUTH_SCOPE?: string | undefined;
  readonly AUTH_ISSUER?: string | undefined;
  readonly AUTH_AUDIENCE?: string | undefined;
}): EntraPaneSettings | null {
  if (config.development) return null;
  const audience = config.AUTH_AUDIENCE ?? "";
  const appIdUri = audience.startsWith("api://") ? audience.replace(/\/+$/, "") : null;
  const clientId =
    config.AUTH_CLIENT_ID ?? (GUID.test(audience) ? audience : appIdUri?.split("/").find((part) => GUID.test(part)));
  const issuer = config.AUTH_ISSUER ?? "";
  const v1Tenant = V1_ISSUER.exec(issuer)?.[1];
  const authority =
    config.AUTH_AUTHORITY ?? V2_ISSUER.exec(issuer)?.[1] ?? (v1Tenant ? `https://login.microsoftonline.com/${v1Tenant}` : undefined);
  const missing = [
    ...(clientId ? [] : ["AUTH_CLIENT_ID (the add-in's application id; AUTH_AUDIENCE does not contain it)"]),
    ...(authority ? [] : ["AUTH_AUTHORITY (https://login.microsoftonline.com/<tenant id>; AUTH_ISSUER does not say it)"]),
  ];
  if (missing.length || !clientId || !authority) {
    throw new PaneSignInConfigError(`Production sign-in needs ${missing.join(" and ")}`);
  }
  return { clientId, authority, scope: config.AUTH_SCOPE ?? (appIdUri ? `${appIdUri}/access_as_user` : null) };
}

export const authConfigRoutes: FastifyPluginAsync<AuthConfigRouteOptions> = async (app, opts) => {
  app.get("/config", async (request, reply): Promise<PaneSignIn> => {
    // Revalidated every time: a configuration change reaches the pane at its next start.
    reply.header("cache-control", "no-cache");
    const entra = opts.entra;
    if (!entra) return { mode: "development" };
    return {
      mode: "entra",
      clientId: entra.clientId,
      authority: entra.authority,
      scopes: [entra.scope ?? defaultScope(request.host, entra.clientId)],
    };
  });
};
