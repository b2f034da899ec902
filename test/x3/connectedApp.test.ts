import { SignJWT } from "jose";
import { allFlags } from "../../src/core/flags";
import { createX3Authorizer } from "../../src/x3/auth";
import type { X3Auth } from "../../src/x3/config";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import { X3Error } from "../../src/x3/errors";
import { BASIC_ADMIN, callEmulator, failure, startTestEmulator, testFolder, testGateway, type TestFolder } from "./fixture";

const APP = { clientId: "outlook-sync-setup", secret: "a-long-shared-secret-for-tests-only-0123456789", audience: "x3-seed" };
const AUTH: X3Auth = { kind: "connectedApp", ...APP, user: "JSMITH", lifetimeSeconds: 300 };

let folder: TestFolder;
let emulator: RunningX3Emulator;

beforeAll(async () => {
  folder = await testFolder();
  emulator = await startTestEmulator(folder, { connectedApp: APP });
});

afterAll(async () => {
  await emulator?.close();
  await folder?.remove();
});

afterEach(() => jest.restoreAllMocks());

/** A bearer made by hand, to try what the gateway would never send. */
interface Claims {
  iat: number;
  exp: number;
  sub?: string;
  aud?: string;
  secret?: string;
}

async function bearer(claims: Claims): Promise<Record<string, string>> {
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(APP.clientId)
    .setSubject(claims.sub ?? "JSMITH")
    .setAudience(claims.aud ?? APP.audience)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(new TextEncoder().encode(claims.secret ?? APP.secret));
  return { authorization: `Bearer ${token}` };
}

const READ = "/api1/x3/erp/SEED/AUTILIS('JSMITH')?representation=AUTILIS.$details";
const now = () => Math.floor(Date.now() / 1000);

test("the gateway's signed JWT is accepted, and X3 records the acting user", async () => {
  const gateway = testGateway(emulator.url, folder, { auth: AUTH });
  try {
    const row = await gateway.writeSyncpar("JSMITH", allFlags(false));
    expect(row.flags).toEqual(allFlags(false));
    expect(emulator.app.x3Emulator.store.get("SYNCPAR", "JSMITH")?.values.UPDUSR).toBe("JSMITH");
  } finally {
    await gateway.close();
  }
});

test("the token is signed once and reused across calls", async () => {
  const sign = jest.spyOn(SignJWT.prototype, "sign");
  const gateway = testGateway(emulator.url, folder, { auth: AUTH });
  try {
    await Promise.all([gateway.getUser("JSMITH"), gateway.getUser("MCLARK")]);
    await gateway.readSyncpar("JSMITH");
    expect(sign).toHaveBeenCalledTimes(1);
  } finally {
    await gateway.close();
  }
});

test("a wrong secret is a permanent auth error that does not reveal the secret", async () => {
  const gateway = testGateway(emulator.url, folder, { auth: { ...AUTH, secret: "not-the-right-secret-0123456789abcdef" } });
  try {
    const error = await failure(gateway.getUser("JSMITH"));
    expect(error).toBeInstanceOf(X3Error);
    expect(error).toMatchObject({ kind: "auth", status: 401, transient: false });
    expect(String((error as Error).message)).not.toContain("not-the-right-secret");
  } finally {
    await gateway.close();
  }
});

test("a wrong audience is refused", async () => {
  const gateway = testGateway(emulator.url, folder, { auth: { ...AUTH, audience: "another-x3" } });
  try {
    await expect(gateway.getUser("JSMITH")).rejects.toMatchObject({ kind: "auth" });
  } finally {
    await gateway.close();
  }
});

test("the emulator checks exp, a future iat, the subject and the signature", async () => {
  const call = async (headers: Record<string, string>) => (await callEmulator(emulator, folder, "GET", READ, { headers })).status;
  expect(await call(await bearer({ iat: now() - 10, exp: now() + 60 }))).toBe(200);
  // A little clock skew is tolerated…
  expect(await call(await bearer({ iat: now() + 10, exp: now() + 60 }))).toBe(200);
  // …not a token from the future, nor an expired one.
  expect(await call(await bearer({ iat: now() + 600, exp: now() + 900 }))).toBe(401);
  expect(await call(await bearer({ iat: now() - 600, exp: now() - 120 }))).toBe(401);
  expect(await call(await bearer({ iat: now(), exp: now() + 60, sub: "NOBODY" }))).toBe(401);
  expect(await call(await bearer({ iat: now(), exp: now() + 60, secret: "forged-forged-forged-forged-forged-forged" }))).toBe(401);
  expect(await call({})).toBe(401);
  // Basic keeps working next to the connected app.
  expect(await call(BASIC_ADMIN)).toBe(200);
});

test("the authorizer renews its token near expiry, and after a 401", async () => {
  let clock = 1_700_000_000_000;
  const authorizer = createX3Authorizer({ ...AUTH, lifetimeSeconds: 120 } as X3Auth, () => clock);
  const first = await authorizer.header();
  clock += 30_000;
  expect(await authorizer.header()).toBe(first);
  clock += 70_000; // 100 s into a 120 s token: under the 30 s margin
  const second = await authorizer.header();
  expect(second).not.toBe(first);
  authorizer.invalidate();
  clock += 1000;
  expect(await authorizer.header()).not.toBe(second);
});
