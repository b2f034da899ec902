/**
 * Who is calling: the bearer token, verified; the mailbox address comes from the token, never from the
 * request. Production verifies Microsoft Entra ID access tokens through the tenant's JWKS; development
 * mode has its own short-lived HS256 issuer so `npm start` and the tests need no tenant.
 */
import { randomBytes } from "node:crypto";
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, type JWTPayload, jwtVerify, SignJWT } from "jose";

export interface VerifiedCaller {
  readonly email: string;
  readonly roles: readonly string[];
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

function callerFrom(payload: JWTPayload): VerifiedCaller {
  const claim = [payload["preferred_username"], payload["upn"], payload["email"]].find(
    (v): v is string => typeof v === "string" && v.includes("@"),
  );
  if (!claim) throw new InvalidTokenError("the token names no mailbox (preferred_username, upn or email)");
  const roles = Array.isArray(payload["roles"]) ? payload["roles"].filter((r): r is string => typeof r === "string") : [];
  return { email: claim.toLowerCase(), roles };
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
    return new SignJWT({ preferred_username: email.toLowerCase() })
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
      return callerFrom(payload);
    } catch (err) {
      throw explain(err);
    }
  }
}

export interface EntraSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
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
      return callerFrom(payload);
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
