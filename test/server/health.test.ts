/**
 * Liveness and readiness cost X3 nothing, or next to nothing: `/readyz` needs no sign-in, and X3's pool of
 * web-service connections is small and shared with every user's saves (issue 22, finding 1).
 */
import type { RequestCounts } from "../../src/x3/emulator/testHooks";
import { type Harness, startHarness } from "./harness";

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ rateLimitPerMinute: 1_000_000 });
});
afterAll(() => h.close());

/** api1 requests the emulator has answered (its own /__emulator routes are not X3's and not counted here). */
async function x3Requests(): Promise<number> {
  const counts = (await h.emulator.app.inject("/__emulator/requests")).json<RequestCounts>();
  return counts.total;
}

describe("health", () => {
  it("/healthz never reaches X3", async () => {
    const before = await x3Requests();
    for (let i = 0; i < 20; i++) expect((await h.app.inject("/healthz")).json()).toEqual({ status: "ok" });
    expect((await x3Requests()) - before).toBe(0);
  });

  it("/readyz answers 200 concurrent probes with one X3 call, then answers again from that result for a few seconds", async () => {
    const before = await x3Requests();
    const answers = await Promise.all(Array.from({ length: 200 }, () => h.app.inject("/readyz")));
    expect(new Set(answers.map((a) => a.statusCode))).toEqual(new Set([200]));
    const afterBurst = await x3Requests();
    // One probe (a read retried at most 3 times by the gateway, were X3 to fail) — not one per request.
    expect(afterBurst - before).toBeLessThanOrEqual(3);
    for (let i = 0; i < 20; i++) expect((await h.app.inject("/readyz")).statusCode).toBe(200);
    expect(await x3Requests()).toBe(afterBurst);
  });
});
