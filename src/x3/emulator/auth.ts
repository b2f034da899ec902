/**
 * Who is calling the emulated api1: Basic credentials, or a connected application's HS256 JWT
 * (X3-CONTRACT.md [S]: iss = client id, sub = the X3 user acting, aud, iat, exp; a future iat beyond
 * a little skew is refused). The answer is the X3 user code the call acts as, or null.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { jwtVerify } from "jose";

export interface EmulatorCredentials {
  readonly user: string;
  readonly password: string;
}

export interface EmulatorConnectedApp {
  readonly clientId: string;
  readonly secret: string;
  readonly audience: string;
  /** Tolerated clock difference; 30 s by default. */
  readonly clockSkewSeconds?: number;
}

export const DEV_CREDENTIALS: EmulatorCredentials = { user: "admin", password: "admin" };

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, which timingSafeEqual requires.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

export async function authenticate(
  authorization: string | undefined,
  credentials: EmulatorCredentials,
  connectedApp: EmulatorConnectedApp | undefined,
  isUser: (code: string) => boolean,
  nowMs: number = Date.now(),
): Promise<string | null> {
  if (!authorization) return null;
  const [scheme, value = ""] = authorization.split(/\s+/, 2);

  if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return null;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const ok = sameSecret(user.toLowerCase(), credentials.user.toLowerCase()) && sameSecret(password, credentials.password);
    return ok ? user.toUpperCase() : null;
  }

  if (scheme?.toLowerCase() === "bearer" && connectedApp) {
    const skew = connectedApp.clockSkewSeconds ?? 30;
    try {
      const { payload } = await jwtVerify(value, new TextEncoder().encode(connectedApp.secret), {
        algorithms: ["HS256"],
        issuer: connectedApp.clientId,
        audience: connectedApp.audience,
        requiredClaims: ["iat", "exp", "sub"],
        clockTolerance: skew,
        currentDate: new Date(nowMs),
      });
      // jose only bounds iat when asked for a maximum age; X3 refuses a token issued in the future.
      if (typeof payload.iat !== "number" || payload.iat > nowMs / 1000 + skew) return null;
      const user = payload.sub?.toUpperCase();
      return user && isUser(user) ? user : null;
    } catch {
      return null;
    }
  }
  return null;
}
