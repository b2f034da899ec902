/**
 * Production sign-in on the server: Entra ID access tokens verified against a tenant's JWKS, here a local
 * one served over HTTP on loopback; and the pane's sign-in settings (`GET /api/v1/auth/config`).
 */
import Fastify from "fastify";
import { authConfigRoutes, entraPaneSettings, PaneSignInConfigError } from "../../src/server/auth/configRoute";
import { EntraTokenVerifier, InvalidTokenError } from "../../src/server/auth/tokens";
import { badTokens, CLIENT_ID, type LocalEntra, objectIdOf, signingKey, startLocalEntra, TENANT_ID } from "./entraFixture";

let entra: LocalEntra;
let verifier: EntraTokenVerifier;

beforeAll(async () => {
  entra = await startLocalEntra();
});
afterAll(() => entra.close());
beforeEach(() => {
  verifier = new EntraTokenVerifier({ issuer: entra.issuer, audience: entra.audience, jwksUrl: entra.jwksUrl });
});

async function refusal(token: string): Promise<InvalidTokenError> {
  try {
    await verifier.verify(token);
  } catch (err) {
    if (err instanceof InvalidTokenError) return err;
    throw err;
  }
  throw new Error("the token was accepted");
}

describe("Entra ID access tokens", () => {
  it("accept a correctly signed token and give its mailbox", async () => {
    await expect(verifier.verify(await entra.token("jsmith@contoso.com"))).resolves.toEqual({ email: "jsmith@contoso.com", roles: [], tenantId: TENANT_ID, objectId: objectIdOf("jsmith@contoso.com") });
  });

  it("tolerate a small clock skew, and no more", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(await entra.token("jsmith@contoso.com", { exp: now - 30 }))).resolves.toMatchObject({ email: "jsmith@contoso.com" });
    await expect(verifier.verify(await entra.token("jsmith@contoso.com", { nbf: now + 30 }))).resolves.toMatchObject({ email: "jsmith@contoso.com" });
    expect((await refusal(await entra.token("jsmith@contoso.com", { exp: now - 90 }))).reason).toBe("the token has expired");
    expect((await refusal(await entra.token("jsmith@contoso.com", { nbf: now + 90 }))).reason).toBe("the token's nbf claim is not accepted");
  });

  it("take the mailbox from upn or preferred_username, in lower case, never from email", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ preferred_username: "JSmith@Contoso.com" }, "jsmith@contoso.com"],
      [{ preferred_username: undefined, upn: "LDupont@Contoso.com" }, "ldupont@contoso.com"],
      // upn first: preferred_username is documented as mutable by the user; a claim that is no address is passed over.
      [{ preferred_username: "other@contoso.com", upn: "jsmith@contoso.com" }, "jsmith@contoso.com"],
      [{ preferred_username: "ldupont@contoso.com", upn: "+33612345678" }, "ldupont@contoso.com"],
      // email is never used, even beside another mailbox claim.
      [{ preferred_username: "jsmith@contoso.com", email: "admin@contoso.com" }, "jsmith@contoso.com"],
    ];
    for (const [claims, email] of cases) {
      const caller = await verifier.verify(await entra.token("ignored@contoso.com", claims));
      expect({ claims, email: caller.email }).toEqual({ claims, email });
    }
  });

  it("give the person as the tenant and object id, whatever the address", async () => {
    const caller = await verifier.verify(await entra.token("jsmith@contoso.com", { oid: "11111111-2222-4333-8444-555555555555" }));
    expect(caller).toMatchObject({ tenantId: TENANT_ID, objectId: "11111111-2222-4333-8444-555555555555" });
  });

  it("carry the app roles, the administrator's among them", async () => {
    const caller = await verifier.verify(await entra.token("ldupont@contoso.com", { roles: ["SyncSetup.Admin", 7, "Other"] }));
    expect(caller.roles).toEqual(["SyncSetup.Admin", "Other"]);
  });

  it("refuse every token that is not the tenant's, for the add-in, valid now and naming a mailbox", async () => {
    const expected: Record<string, RegExp> = {
      expired: /expired/,
      "not yet valid": /nbf/,
      "wrong audience": /aud/,
      "wrong issuer": /iss/,
      "another tenant": /iss/,
      "alg none": /algorithm/,
      "HS256 with the public key": /algorithm/,
      "another key with the same kid": /signature/,
      "an unknown kid": /known key/,
      "no mailbox claim": /no mailbox/,
      "an e-mail claim only": /no mailbox/,
      "an ID token (no scp)": /access token for this add-in/,
      "a token for another scope": /access token for this add-in/,
      "a v1 token": /v2 access token/,
      "no oid": /no person/,
      "no tid": /no person/,
      "another tenant's tid under the configured issuer": /tid/,
      "a mailbox claim that is no address": /no mailbox/,
      "no expiry": /exp/,
      "a changed claim": /signature/,
    };
    const tokens = await badTokens(entra);
    expect(Object.keys(tokens).sort()).toEqual(Object.keys(expected).sort());
    for (const [what, token] of Object.entries(tokens)) {
      const err = await refusal(token);
      expect({ what, reason: err.reason }).toEqual({ what, reason: expect.stringMatching(expected[what]!) });
    }
  });

  it("refuse what is not a JWT at all", async () => {
    for (const token of ["", "nonsense", "a.b.c", `${(await entra.token("jsmith@contoso.com")).slice(0, -10)}`]) {
      await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
    }
  });
});

describe("the tenant's JWKS", () => {
  // Only Date is faked: the JWKS is fetched over a real socket.
  beforeEach(() => {
    jest.useFakeTimers({
      doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"],
      now: Date.now(),
    });
  });
  afterEach(() => jest.useRealTimers());
  const later = (ms: number) => jest.setSystemTime(Date.now() + ms);

  it("is fetched once and cached, re-fetched once for an unknown kid, and picks up a rotated key", async () => {
    const start = entra.jwksRequests;
    for (const email of ["jsmith@contoso.com", "ldupont@contoso.com", "mclark@contoso.com"]) {
      await verifier.verify(await entra.token(email));
    }
    expect(entra.jwksRequests - start).toBe(1);

    // Within the cool-down (30 s) after a fetch, a forged kid cannot make the server hammer the tenant.
    const stranger = await signingKey("not-published");
    await expect(verifier.verify(await entra.token("jsmith@contoso.com", {}, { key: stranger }))).rejects.toThrow(/known key/);
    expect(entra.jwksRequests - start).toBe(1);

    // After it, an unknown kid makes exactly one new fetch (a rotation may have happened), then cools down again.
    later(31_000);
    await expect(verifier.verify(await entra.token("jsmith@contoso.com", {}, { key: stranger }))).rejects.toThrow(/known key/);
    expect(entra.jwksRequests - start).toBe(2);
    await expect(verifier.verify(await entra.token("jsmith@contoso.com", {}, { key: stranger }))).rejects.toThrow(/known key/);
    expect(entra.jwksRequests - start).toBe(2);

    // The tenant rotates its keys: a token signed with the new key is accepted after one fetch.
    const rotated = await signingKey();
    entra.publish(rotated);
    later(31_000);
    await expect(verifier.verify(await entra.token("jsmith@contoso.com", {}, { key: rotated }))).resolves.toMatchObject({ email: "jsmith@contoso.com" });
    expect(entra.jwksRequests - start).toBe(3);
    await verifier.verify(await entra.token("ldupont@contoso.com", {}, { key: rotated }));
    await verifier.verify(await entra.token("ldupont@contoso.com"));
    expect(entra.jwksRequests - start).toBe(3);
  });

  it("is fetched again once the cache is old (10 minutes), even without an unknown kid", async () => {
    const start = entra.jwksRequests;
    await verifier.verify(await entra.token("jsmith@contoso.com"));
    later(11 * 60_000);
    await verifier.verify(await entra.token("jsmith@contoso.com"));
    expect(entra.jwksRequests - start).toBe(2);
  });

  it("refuses every token, without crashing, when the JWKS cannot be reached", async () => {
    const offline = new EntraTokenVerifier({ issuer: entra.issuer, audience: entra.audience, jwksUrl: "http://127.0.0.1:9/keys" });
    await expect(offline.verify(await entra.token("jsmith@contoso.com"))).rejects.toBeInstanceOf(InvalidTokenError);
  });
});

describe("GET /api/v1/auth/config", () => {
  async function config(entraSettings: ReturnType<typeof entraPaneSettings>, headers: Record<string, string> = {}) {
    const app = Fastify({ logger: false });
    await app.register(authConfigRoutes, { prefix: "/api/v1/auth", entra: entraSettings });
    const res = await app.inject({ url: "/api/v1/auth/config", headers });
    await app.close();
    return res;
  }
  const production = {
    development: false,
    AUTH_ISSUER: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
    AUTH_AUDIENCE: CLIENT_ID,
    AUTH_JWKS_URL: "https://login.microsoftonline.com/x/discovery/v2.0/keys",
  };

  it("says development in development mode", async () => {
    const res = await config(entraPaneSettings({ development: true }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mode: "development" });
  });

  it("gives the pane what MSAL needs in production, and no secret, without a token", async () => {
    const res = await config(entraPaneSettings(production), { host: "addin.contoso.com" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.json()).toEqual({
      mode: "entra",
      clientId: CLIENT_ID,
      authority: `https://login.microsoftonline.com/${TENANT_ID}`,
      scopes: [`api://addin.contoso.com/${CLIENT_ID}/access_as_user`],
    });
    expect(res.body).not.toContain("jwks");
  });

  it("takes the client id and the scope from an application ID URI audience, and explicit settings first", async () => {
    const uri = `api://addin.contoso.com/${CLIENT_ID}`;
    expect(entraPaneSettings({ ...production, AUTH_AUDIENCE: uri })).toEqual({
      clientId: CLIENT_ID,
      authority: `https://login.microsoftonline.com/${TENANT_ID}`,
      scope: `${uri}/access_as_user`,
    });
    expect(entraPaneSettings({ ...production, AUTH_ISSUER: `https://sts.windows.net/${TENANT_ID}/` })?.authority).toBe(
      `https://login.microsoftonline.com/${TENANT_ID}`,
    );
    expect(
      entraPaneSettings({ ...production, AUTH_CLIENT_ID: "c", AUTH_AUTHORITY: "https://login.microsoftonline.com/contoso.onmicrosoft.com", AUTH_SCOPE: "api://x/c/s" }),
    ).toEqual({ clientId: "c", authority: "https://login.microsoftonline.com/contoso.onmicrosoft.com", scope: "api://x/c/s" });
  });

  it("refuses to go without a client id or an authority in production, naming what is missing", () => {
    expect(() => entraPaneSettings({ ...production, AUTH_AUDIENCE: "api://addin.contoso.com/api" })).toThrow(PaneSignInConfigError);
    expect(() => entraPaneSettings({ ...production, AUTH_AUDIENCE: "api://addin.contoso.com/api" })).toThrow(/AUTH_CLIENT_ID/);
    expect(() => entraPaneSettings({ ...production, AUTH_ISSUER: "https://issuer.example.com" })).toThrow(/AUTH_AUTHORITY/);
  });
});
