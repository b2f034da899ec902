/**
 * Who is calling: the bearer token, verified; the mailbox address comes from the token, never from the
 * request. Production verifies Microsoft Entra ID access tokens through the tenant's JWKS; development
 * mode has its own short-lived HS256 issuer so `npm start` and the tests need no tenant.
 */
import { randomBytes } from "node:crypto";
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, type JWTPayload, jwtVerify, SignJWT } from "jose";

export interface VerifiedCaller {
  /** The mailbox address the X3 user is looked up by (lower case). */
  readonly email: string;
  readonly roles: readonly string[];
  /** Who the person is, whatever their address: Entra ID's tenant id and object id (`tid`, `oid`). */
  readonly tenantId: string;
  readonly objectId: string;
}

export interface TokenVerifier {
  /** Resolves the caller, or rejects with `InvalidTokenError`. */
  verify(token: string): Promise<VerifiedCaller>;
}

export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const CLOCK_TOLERANCE_SECONDS = 60;

const roleClaims = (payload: JWTPayload): string[] =>
  Array.isArray(payload["roles"]) ? payload["roles"].filter((r): r is string => typeof r === "string") : [];

const isAddress = (v: unknown): v is string => typeof v === "string" && v.includes("@");

/**
 * An Entra ID v2 access token for this API, from the configured tenant: `scp` holds the API's scope (an ID
 * token, or a token for another API of the same application, has none), `tid` is the tenant and `oid`
 * the person. The address comes from `upn` or `preferred_username` (the tenant's own names for its
 * accounts), never `email`, which a user or a guest's home tenant may set unverified.
 */
function entraCallerFrom(payload: JWTPayload, settings: EntraSettings): VerifiedCaller {
  if (payload["ver"] !== "2.0") throw new InvalidTokenError("the token is not a v2 access token");
  const scopes = typeof payload["scp"] === "string" ? payload["scp"].split(" ") : [];
  if (!scopes.includes(settings.scope ?? DEFAULT_SCOPE)) throw new InvalidTokenError("the token is not an access token for this add-in's API (scp)");
  const tenantId = payload["tid"];
  const objectId = payload["oid"];
  if (typeof tenantId !== "string" || !tenantId || typeof objectId !== "string" || !objectId) {
    throw new InvalidTokenError("the token names no person (tid, oid)");
  }
  const tenantOfIssuer = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0$/.exec(settings.issuer)?.[1];
  if (tenantOfIssuer && tenantOfIssuer.toLowerCase() !== tenantId.toLowerCase()) throw new InvalidTokenError("the token's tid claim is not accepted");
  const address = [payload["upn"], payload["preferred_username"]].find(isAddress);
  if (!address) throw new InvalidTokenError("the token names no mailbox (upn or preferred_username)");
  return { email: address.toLowerCase(), roles: roleClaims(payload), tenantId, objectId };
}

function explain(err: unknown): InvalidTokenError {
  if (err instanceof InvalidTokenError) return err;
  if (err instanceof joseErrors.JWTExpired) return new InvalidTokenError("the token has expired");
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new InvalidTokenError(`the token's ${err.claim} claim is not accepted`);
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new InvalidTokenError("the token's signature is not valid");
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new InvalidTokenError("the token's algorithm is not accepted");
  if (err instanceof joseErrors.JWKSNoMatchingKey) return new InvalidTokenError("the token was not signed by a known key");
  return new InvalidTokenError("the token is not valid");
}

export const DEV_ISSUER = "urn:x3-sync-setup:development";
export const DEV_AUDIENCE = "x3-sync-setup";
export const DEV_TENANT = "development";
/** The scope the add-in's API exposes (docs/DEPLOYMENT.md), unless AUTH_SCOPE names another. */
export const DEFAULT_SCOPE = "access_as_user";

/** Development sign-in only: any mailbox address gets a token; the X3 mapping then decides who it is. */
export class DevTokenIssuer implements TokenVerifier {
  private readonly key: Uint8Array;

  constructor(
    secret: string | undefined,
    readonly lifetimeSeconds = 3600,
  ) {
    this.key = secret ? new TextEncoder().encode(secret) : randomBytes(32);
  }

  async issue(email: string): Promise<string> {
    // One person per address here: development signs anyone in as any address, so a binding means nothing.
    return new SignJWT({ preferred_username: email.toLowerCase(), tid: DEV_TENANT, oid: `dev:${email.toLowerCase()}` })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(email.toLowerCase())
      .setIssuedAt()
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<VerifiedCaller> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ["HS256"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const email = payload["preferred_username"];
      if (!isAddress(email)) throw new InvalidTokenError("the token names no mailbox (preferred_username)");
      return { email: email.toLowerCase(), roles: roleClaims(payload), tenantId: DEV_TENANT, objectId: `dev:${email.toLowerCase()}` };
    } catch (err) {
      throw explain(err);
    }
  }
}

export interface EntraSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** The scope's name an access token's `scp` must hold (`access_as_user` by default). */
  readonly scope?: string;
}

/** The scope's name as a token's `scp` writes it: AUTH_SCOPE is the full `api://…/name` the pane asks for. */
export function scopeName(authScope: string | undefined): string {
  if (!authScope) return DEFAULT_SCOPE;
  return authScope.slice(authScope.lastIndexOf("/") + 1) || DEFAULT_SCOPE;
}

/** Microsoft Entra ID access tokens for the add-in's API: RS256, checked against the tenant's JWKS. */
export class EntraTokenVerifier implements TokenVerifier {
  // createRemoteJWKSet caches the keys and fetches them again when a token names an unknown `kid`.
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: EntraSettings) {
    this.jwks = createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
  }

  async verify(token: string): Promise<VerifiedCaller> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ["RS256"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp", "iat"],
      });
      return entraCallerFrom(payload, this.settings);
    } catch (err) {
      throw explain(err);
    }
  }
}

export interface TokenCacheOptions {
  /** Tokens remembered at most; the oldest entry makes room for a new one. */
  readonly maxEntries: number;
  readonly now: () => number;
}

/**
 * Remembers what a verifier said about a token until the token expires, so a pane's burst of requests
 * costs one signature check instead of one each (~150 µs with jose, the largest cost of a cheap request).
 * Keyed by the whole token string: another token, even for the same mailbox, is verified on its own.
 * Only a successful verification is kept, and never past the token's own `exp` (without the clock
 * tolerance the verifier grants), so a hit returns exactly what verifying again would: a token without
 * `exp` is not kept. A refused token is never remembered: each attempt is checked again.
 */
export class CachingTokenVerifier implements TokenVerifier {
  /** Token → what the verifier said, and until when (the token's `exp`, in ms). */
  private readonly entries = new Map<string, { readonly caller: VerifiedCaller; readonly expiresAt: number }>();
  private readonly options: TokenCacheOptions;

  constructor(
    private readonly inner: TokenVerifier,
    options: Partial<TokenCacheOptions> = {},
  ) {
    this.options = { maxEntries: 10_000, now: Date.now, ...options };
  }

  get size(): number {
    return this.entries.size;
  }

  async verify(token: string): Promise<VerifiedCaller> {
    const cached = this.entries.get(token);
    if (cached) {
      if (this.options.now() < cached.expiresAt) return cached.caller;
      this.entries.delete(token);
    }
    const caller = await this.inner.verify(token);
    // The signature has just been checked, so the payload read here is the one the issuer signed.
    const { exp } = decodeJwt(token);
    const expiresAt = typeof exp === "number" ? exp * 1000 : Number.NaN;
    if (this.options.now() < expiresAt) this.remember(token, { caller, expiresAt });
    return caller;
  }

  private remember(token: string, entry: { readonly caller: VerifiedCaller; readonly expiresAt: number }): void {
    // The oldest entry makes room (a Map keeps insertion order): it is also the likeliest to have expired.
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, entry);
  }
}
