/**
 * A stand-in for a Microsoft Entra ID tenant, for the token tests: RS256 keys, their JWKS served over
 * plain HTTP on 127.0.0.1 (a free port) by node:http, and access tokens shaped like Entra's v2 tokens
 * for the add-in's API. It counts the JWKS requests so a test can prove what is cached.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, type KeyLike, SignJWT } from "jose";

export const TENANT_ID = "6f2a9c1e-3b7d-4e58-9a0c-1d2e3f405162";
export const OTHER_TENANT_ID = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
export const CLIENT_ID = "3c9e7f21-5a4b-4c6d-8e9f-0a1b2c3d4e5f";
export const issuerOf = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/v2.0`;

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicKey: KeyLike;
  readonly publicJwk: JWK;
}

export async function signingKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicKey, publicJwk };
}

/** Claims to set; `undefined` removes a default claim. */
export type Claims = Record<string, unknown>;

export interface LocalEntra {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** The key the tenant signs with (published in the JWKS). */
  readonly key: SigningKey;
  /** How many times the JWKS was asked for. */
  readonly jwksRequests: number;
  /** A correctly signed access token for the mailbox, with any claim changed; `key` signs it instead. */
  token(email: string, claims?: Claims, options?: { key?: SigningKey; kid?: string }): Promise<string>;
  /** The same token's header and claims, without a signature and with `alg: none`. */
  unsignedToken(email: string, claims?: Claims): string;
  /** Algorithm confusion: HS256 with the tenant's public key (PEM) as the HMAC secret. */
  hs256WithPublicKey(email: string, claims?: Claims): Promise<string>;
  /** Publishes another key (a key rotation) and returns it. */
  publish(key: SigningKey): void;
  close(): Promise<void>;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The tenant's object id of the person with this address: one person per address, as in a real tenant. */
export function objectIdOf(email: string): string {
  const hex = createHash("sha256").update(email.toLowerCase()).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** The server's settings for a local tenant: production mode's AUTH_* variables. */
export function entraAuthEnv(entra: Pick<LocalEntra, "issuer" | "audience" | "jwksUrl">): Record<string, string> {
  return {
    AUTH_ISSUER: entra.issuer,
    AUTH_AUDIENCE: entra.audience,
    AUTH_JWKS_URL: entra.jwksUrl,
    AUTH_CLIENT_ID: entra.audience,
    AUTH_AUTHORITY: entra.issuer.replace(/\/v2\.0$/, ""),
  };
}

export async function startLocalEntra(): Promise<LocalEntra> {
  const key = await signingKey();
  const published: JWK[] = [key.publicJwk];
  let jwksRequests = 0;

  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/discovery/v2.0/keys") {
      jwksRequests += 1;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const issuer = issuerOf(TENANT_ID);
  const payloadFor = (email: string, claims: Claims = {}): JWTPayload => {
    const now = nowSeconds();
    const all: Claims = {
      aud: CLIENT_ID,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + 3600,
      ver: "2.0",
      tid: TENANT_ID,
      oid: objectIdOf(email),
      sub: randomUUID(),
      azp: CLIENT_ID,
      scp: "access_as_user",
      name: "John Smith",
      preferred_username: email,
      ...claims,
    };
    return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as JWTPayload;
  };

  return {
    issuer,
    audience: CLIENT_ID,
    jwksUrl: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    key,
    get jwksRequests() {
      return jwksRequests;
    },
    token(email, claims, options = {}) {
      const signer = options.key ?? key;
      return new SignJWT(payloadFor(email, claims))
        .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: options.kid ?? signer.kid })
        .sign(signer.privateKey);
    },
    unsignedToken(email, claims) {
      return `${b64url({ alg: "none", typ: "JWT", kid: key.kid })}.${b64url(payloadFor(email, claims))}.`;
    },
    async hs256WithPublicKey(email, claims) {
      const signingInput = `${b64url({ alg: "HS256", typ: "JWT", kid: key.kid })}.${b64url(payloadFor(email, claims))}`;
      const secret = await exportSPKI(key.publicKey);
      return `${signingInput}.${createHmac("sha256", secret).update(signingInput).digest("base64url")}`;
    },
    publish(other) {
      published.push(other.publicJwk);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Every token the server must refuse, by what is wrong with it. */
export async function badTokens(entra: LocalEntra, email = "jsmith@contoso.com"): Promise<Record<string, string>> {
  const now = nowSeconds();
  const impostor = await signingKey(entra.key.kid);
  const stranger = await signingKey("unknown-kid");
  const good = await entra.token(email);
  const [header, , signature] = good.split(".");
  const tamperedPayload = b64url({ ...JSON.parse(Buffer.from(good.split(".")[1]!, "base64url").toString()), preferred_username: "admin@contoso.com" });
  return {
    expired: await entra.token(email, { iat: now - 7200, nbf: now - 7200, exp: now - 120 }),
    "not yet valid": await entra.token(email, { nbf: now + 300 }),
    "wrong audience": await entra.token(email, { aud: "00000003-0000-0000-c000-000000000000" }),
    "wrong issuer": await entra.token(email, { iss: "https://evil.example.com/v2.0" }),
    "another tenant": await entra.token(email, { iss: issuerOf(OTHER_TENANT_ID), tid: OTHER_TENANT_ID }),
    "alg none": entra.unsignedToken(email),
    "HS256 with the public key": await entra.hs256WithPublicKey(email),
    "another key with the same kid": await entra.token(email, {}, { key: impostor }),
    "an unknown kid": await entra.token(email, {}, { key: stranger }),
    "no mailbox claim": await entra.token(email, { preferred_username: undefined }),
    // `email` may be set by a user or a guest's home tenant, unverified: it never says who someone is.
    "an e-mail claim only": await entra.token(email, { preferred_username: undefined, email }),
    // An ID token for the add-in's own application: the same audience, no scope, no access to the API.
    "an ID token (no scp)": await entra.token(email, { scp: undefined, nonce: "n" }),
    "a token for another scope": await entra.token(email, { scp: "User.Read" }),
    "a v1 token": await entra.token(email, { ver: "1.0" }),
    "no oid": await entra.token(email, { oid: undefined }),
    "no tid": await entra.token(email, { tid: undefined }),
    "another tenant's tid under the configured issuer": await entra.token(email, { tid: OTHER_TENANT_ID }),
    "a mailbox claim that is no address": await entra.token(email, { preferred_username: "+33 6 12 34 56 78" }),
    "no expiry": await entra.token(email, { exp: undefined }),
    "a changed claim": `${header}.${tamperedPayload}.${signature}`,
  };
}
