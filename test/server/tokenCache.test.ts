/**
 * The verified-token cache: a hit answers exactly what verifying again would, never past the token's
 * expiry, keyed by the whole token, bounded, and a refused token is never remembered.
 */
import { SignJWT } from "jose";
import { CachingTokenVerifier, DEV_AUDIENCE, DEV_ISSUER, DevTokenIssuer, InvalidTokenError, type TokenVerifier } from "../../src/server/auth/tokens";

const SECRET = "token-cache-test-secret-of-sufficient-length";

/** The real development verifier, counting the signature checks it is asked for. */
function counting(inner: TokenVerifier): TokenVerifier & { calls: number } {
  const counter = {
    calls: 0,
    verify(token: string) {
      counter.calls += 1;
      return inner.verify(token);
    },
  };
  return counter;
}

let clock: number;
const now = () => clock;
beforeEach(() => {
  clock = Date.now();
});

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof InvalidTokenError) return err.reason;
    throw err;
  }
  throw new Error("the token was accepted");
}

describe("CachingTokenVerifier", () => {
  it("checks a token's signature once and answers the same caller after", async () => {
    const issuer = new DevTokenIssuer(SECRET);
    const inner = counting(issuer);
    const cache = new CachingTokenVerifier(inner, { now });
    const token = await issuer.issue("JSmith@contoso.com");
    const first = await cache.verify(token);
    expect(await cache.verify(token)).toEqual(first);
    expect(await cache.verify(token)).toEqual(await issuer.verify(token));
    expect(first).toEqual({ email: "jsmith@contoso.com", roles: [], tenantId: "development", objectId: "dev:jsmith@contoso.com" });
    expect(inner.calls).toBe(1);
  });

  it("keeps a token no longer than its exp, then verifies it again", async () => {
    const issuer = new DevTokenIssuer(SECRET, 120);
    const inner = counting(issuer);
    const cache = new CachingTokenVerifier(inner, { now });
    const token = await issuer.issue("jsmith@contoso.com");
    const exp = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp * 1000;
    await cache.verify(token);
    clock = exp - 1;
    await cache.verify(token);
    expect(inner.calls).toBe(1);
    clock = exp;
    await cache.verify(token);
    expect(inner.calls).toBe(2);
  });

  it("passes on the verifier's refusal of a token it had accepted once expired", async () => {
    const issuer = new DevTokenIssuer(SECRET, 120);
    const token = await issuer.issue("jsmith@contoso.com");
    let expired = false;
    const inner: TokenVerifier = {
      verify: (t) => (expired ? Promise.reject(new InvalidTokenError("the token has expired")) : issuer.verify(t)),
    };
    const cache = new CachingTokenVerifier(inner, { now });
    await cache.verify(token);
    clock += 121_000;
    expired = true;
    expect(await reason(cache.verify(token))).toBe("the token has expired");
    expect(cache.size).toBe(0);
  });

  it("never remembers a refused token: a wrong signature is refused every time", async () => {
    const issuer = new DevTokenIssuer(SECRET);
    const inner = counting(issuer);
    const cache = new CachingTokenVerifier(inner, { now });
    const forged = await new DevTokenIssuer("another-secret-of-sufficient-length!!").issue("jsmith@contoso.com");
    for (let i = 0; i < 3; i++) expect(await reason(cache.verify(forged))).toBe("the token's signature is not valid");
    expect(inner.calls).toBe(3);
    expect(cache.size).toBe(0);
  });

  it("keys by the whole token: a cached token's payload with another signature is still refused", async () => {
    const issuer = new DevTokenIssuer(SECRET);
    const cache = new CachingTokenVerifier(issuer, { now });
    const token = await issuer.issue("jsmith@contoso.com");
    await cache.verify(token);
    const [header, payload] = token.split(".");
    const forged = await new DevTokenIssuer("another-secret-of-sufficient-length!!").issue("jsmith@contoso.com");
    const spliced = `${header}.${payload}.${forged.split(".")[2]}`;
    expect(await reason(cache.verify(spliced))).toBe("the token's signature is not valid");
    // A different, valid token of the same mailbox is verified on its own.
    const inner = counting(issuer);
    const other = new CachingTokenVerifier(inner, { now });
    await other.verify(token);
    await other.verify(await issuer.issue("ldupont@contoso.com"));
    expect(inner.calls).toBe(2);
  });

  it("does not keep a token that has no exp", async () => {
    const issuer = new DevTokenIssuer(SECRET);
    const inner = counting(issuer);
    const cache = new CachingTokenVerifier(inner, { now });
    const forever = await new SignJWT({ preferred_username: "jsmith@contoso.com" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .sign(new TextEncoder().encode(SECRET));
    await cache.verify(forever);
    await cache.verify(forever);
    expect(inner.calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it("holds at most maxEntries tokens, letting the oldest go", async () => {
    const issuer = new DevTokenIssuer(SECRET);
    const inner = counting(issuer);
    const cache = new CachingTokenVerifier(inner, { now, maxEntries: 2 });
    const [a, b, c] = await Promise.all(["a@contoso.com", "b@contoso.com", "c@contoso.com"].map((m) => issuer.issue(m)));
    for (const t of [a!, b!, c!]) await cache.verify(t);
    expect(cache.size).toBe(2);
    await cache.verify(c!);
    await cache.verify(b!);
    expect(inner.calls).toBe(3);
    await cache.verify(a!);
    expect(inner.calls).toBe(4);
  });
});
