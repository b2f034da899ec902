/**
 * Rate limits under a burst, all requests sent at once: per client address (every route, sign-in
 * attempts with bad tokens included) and per signed-in mailbox (the API, so one user behind a shared
 * proxy address cannot starve the others). Exactly the limit is served — not more, and not less.
 */
import type { LightMyRequestResponse } from "fastify";
import { badTokens, type LocalEntra, startLocalEntra } from "../server/entraFixture";
import { bearer, type Harness } from "../server/harness";
import { startProductionHarness } from "./support";

const PER_ADDRESS = 30;
const PER_USER = 12;

let entra: LocalEntra;
let byAddress: Harness;
let byUser: Harness;

beforeAll(async () => {
  entra = await startLocalEntra();
  byAddress = await startProductionHarness(entra, { rateLimitPerMinute: PER_ADDRESS, userRateLimitPerMinute: 100_000 });
  byUser = await startProductionHarness(entra, { rateLimitPerMinute: 100_000, userRateLimitPerMinute: PER_USER });
}, 30_000);

afterAll(async () => {
  await byAddress?.close();
  await byUser?.close();
  await entra?.close();
});

function burst(h: Harness, count: number, url: string, headers: Record<string, string>): Promise<LightMyRequestResponse[]> {
  return Promise.all(Array.from({ length: count }, () => h.app.inject({ url, headers })));
}

const tally = (answers: LightMyRequestResponse[]) => {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.statusCode] = (counts[a.statusCode] ?? 0) + 1;
  return counts;
};

function expectRefusals(limited: LightMyRequestResponse[]): void {
  for (const res of limited) {
    expect(res.json()).toMatchObject({ status: 429, code: "rate-limited" });
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
  }
}

describe("the per-address limit", () => {
  it("serves exactly the limit of a burst from one address, refuses the rest, and serves other addresses", async () => {
    const answers = await burst(byAddress, PER_ADDRESS * 2, "/healthz", { "x-forwarded-for": "203.0.113.7" });
    expect(tally(answers)).toEqual({ 200: PER_ADDRESS, 429: PER_ADDRESS });
    expectRefusals(answers.filter((a) => a.statusCode === 429));
    // Another burst a moment later from the same address: all refused, the window still runs.
    expect(tally(await burst(byAddress, 5, "/healthz", { "x-forwarded-for": "203.0.113.7" }))).toEqual({ 429: 5 });
    expect((await byAddress.app.inject({ url: "/healthz", headers: { "x-forwarded-for": "203.0.113.8" } })).statusCode).toBe(200);
  });

  it("limits guessing tokens: bad tokens count against the address, and then even a good one waits", async () => {
    const from = { "x-forwarded-for": "198.51.100.4" };
    const bad = Object.values(await badTokens(entra));
    const guesses = await Promise.all(
      Array.from({ length: PER_ADDRESS + 10 }, (_, i) => byAddress.app.inject({ url: "/api/v1/me", headers: { ...from, ...bearer(bad[i % bad.length]!) } })),
    );
    expect(tally(guesses)).toEqual({ 401: PER_ADDRESS, 429: 10 });
    const good = await byAddress.app.inject({ url: "/api/v1/me", headers: { ...from, ...bearer(await entra.token("jsmith@contoso.com")) } });
    expect(good.statusCode).toBe(429);
  });

  it("counts an IPv6 network (/64) as one address: taking a new address per request gains nothing", async () => {
    const answers = await Promise.all(
      Array.from({ length: PER_ADDRESS + 5 }, (_, i) =>
        byAddress.app.inject({ url: "/healthz", headers: { "x-forwarded-for": `2001:db8:77:1:${(i + 1).toString(16)}::${i % 7}` } }),
      ),
    );
    expect(tally(answers)).toEqual({ 200: PER_ADDRESS, 429: 5 });
    // The same network written another way (zeros, case) is the same key; the next /64 is another.
    expect((await byAddress.app.inject({ url: "/healthz", headers: { "x-forwarded-for": "2001:DB8:0077:0001::1" } })).statusCode).toBe(429);
    expect((await byAddress.app.inject({ url: "/healthz", headers: { "x-forwarded-for": "2001:db8:77:2::1" } })).statusCode).toBe(200);
  });

  it("counts unknown addresses and static files too: a 404 flood is limited", async () => {
    const answers = await burst(byAddress, PER_ADDRESS + 3, "/no/such/thing", { "x-forwarded-for": "192.0.2.44" });
    expect(tally(answers)).toEqual({ 404: PER_ADDRESS, 429: 3 });
  });
});

describe("the per-user limit", () => {
  it("serves exactly the limit of one user's burst and keeps serving another user behind the same address", async () => {
    const proxy = { "x-forwarded-for": "10.20.30.40" };
    const jsmith = { ...proxy, ...bearer(await entra.token("jsmith@contoso.com")) };
    const ldupont = { ...proxy, ...bearer(await entra.token("ldupont@contoso.com")) };
    const answers = await burst(byUser, PER_USER + 8, "/api/v1/me", jsmith);
    expect(tally(answers)).toEqual({ 200: PER_USER, 429: 8 });
    expectRefusals(answers.filter((a) => a.statusCode === 429));
    expect(tally(await burst(byUser, 3, "/api/v1/me", ldupont))).toEqual({ 200: 3 });
    // A new token for the same mailbox is the same user: still limited.
    const again = await byUser.app.inject({ url: "/api/v1/me", headers: { ...proxy, ...bearer(await entra.token("jsmith@contoso.com")) } });
    expect(again.statusCode).toBe(429);
  });

  it("limits a mailbox no X3 user has as soon as its token is verified, before X3 is asked who it is", async () => {
    const guest = { "x-forwarded-for": "10.20.30.41", ...bearer(await entra.token("guest@fabrikam.com")) };
    const requests = async () => (await byUser.emulator.app.inject("/__emulator/requests")).json<{ total: number }>().total;
    const before = await requests();
    const answers = await burst(byUser, PER_USER + 8, "/api/v1/me", guest);
    expect(tally(answers)).toEqual({ 403: PER_USER, 429: 8 });
    expectRefusals(answers.filter((a) => a.statusCode === 429));
    // And the misses were one X3 lookup, shared and then remembered.
    expect((await requests()) - before).toBeLessThanOrEqual(1);
  });
});
