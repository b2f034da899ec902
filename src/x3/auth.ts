/**
 * The Authorization header for X3: Basic, or a connected application's bearer JWT that we sign
 * ourselves (HS256, X3-CONTRACT.md [S]) and reuse until it is close to expiry.
 */
import { SignJWT } from "jose";
import type { X3Auth } from "./config";

/** X3 rejects a future `iat`: backdating a little absorbs a clock that runs behind ours. */
const IAT_BACKDATE_SECONDS = 10;

export interface X3Authorizer {
  header(): Promise<string>;
  /** After a 401: forget any cached token so the next call signs a fresh one. */
  invalidate(): void;
}

export function createX3Authorizer(auth: X3Auth, now: () => number = Date.now): X3Authorizer {
  if (auth.kind === "basic") {
    const header = `Basic ${Buffer.from(`${auth.user}:${auth.password}`, "utf8").toString("base64")}`;
    return { header: async () => header, invalidate: () => undefined };
  }

  const app = auth; // keeps the narrowed type inside the closures below
  const key = new TextEncoder().encode(app.secret);
  let cached: { header: string; renewAt: number } | null = null;
  let signing: Promise<string> | null = null;

  async function sign(): Promise<string> {
    const nowSeconds = Math.floor(now() / 1000);
    const exp = nowSeconds + app.lifetimeSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(app.clientId)
      .setSubject(app.user)
      .setAudience(app.audience)
      .setIssuedAt(nowSeconds - IAT_BACKDATE_SECONDS)
      .setExpirationTime(exp)
      .sign(key);
    // Renew when a quarter of the lifetime (at most a minute) is left, so a token never expires in flight.
    const margin = Math.min(60, app.lifetimeSeconds / 4);
    cached = { header: `Bearer ${token}`, renewAt: (exp - margin) * 1000 };
    return cached.header;
  }

  return {
    async header() {
      if (cached && now() < cached.renewAt) return cached.header;
      // Concurrent callers share one signature instead of racing to make several.
      signing ??= sign().finally(() => {
        signing = null;
      });
      return signing;
    },
    invalidate() {
      cached = null;
    },
  };
}
