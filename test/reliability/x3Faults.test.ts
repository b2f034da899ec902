/**
 * X3 misbehaving while users save: 503s, reset connections, answers too slow, `$diagnoses` refusals, and X3
 * gone for a while (its port closed, then open again). Nothing accepted is lost, retries follow the backoff
 * schedule (never a tight loop), delivery resumes on its own, and at each step the pane is told the truth:
 * the setup's delivery state from the API, and the line src/taskpane/deliveryStatus.ts makes of it.
 */
import type { Flags } from "../../src/core/flags";
import { decodeYesNo } from "../../src/core/x3YesNo";
import type { SyncSetup } from "../../src/core/setup";
import { retryDelayMs } from "../../src/server/outbox";
import { statusLine } from "../../src/taskpane/deliveryStatus";
import type { FaultInput } from "../../src/x3/emulator/faults";
import { bearer, flagsWith, type Harness, startHarness } from "../server/harness";

jest.setTimeout(30_000);

/** A fixed schedule (no jitter) so the attempts can be checked against it: 100, 200, 400, 800, 800 … ms. */
const BACKOFF = { baseDelayMs: 100, maxDelayMs: 800, random: () => 1 };
/** Short, so a save answers "waiting for X3" instead of waiting out a slow attempt. */
const DELIVERY_BUDGET_MS = 300;
/** Failed retries watched per fault: enough to see the delays grow (100, 200, 400 ms). */
const RETRIES_WATCHED = 3;

/** Figures of this run (attempt counts, recovery times), printed at the end for docs/RELIABILITY.md. */
const figures: string[] = [];
let h: Harness;
let auth: Record<string, string>;
/** When each api1 request reached the emulator. */
let arrivals: number[];

beforeEach(async () => {
  h = await startHarness({ outbox: { pollMs: 50, ...BACKOFF }, deliveryBudgetMs: DELIVERY_BUDGET_MS });
  auth = bearer(await h.token("jsmith@contoso.com"));
  arrivals = [];
  // The test's own listener next to Fastify's: it sees every request, faulty or not, with its time.
  h.emulator.app.server.on("request", (req: { url?: string }) => {
    if (req.url?.startsWith("/api1/")) arrivals.push(Date.now());
  });
  expect((await h.app.inject({ url: "/api/v1/me", headers: auth })).statusCode).toBe(200);
  h.app.outbox.start();
});
afterEach(() => h.close());

async function save(version: number, flags: Flags): Promise<SyncSetup> {
  const res = await h.app.inject({
    method: "PUT",
    url: "/api/v1/setups/JSMITH",
    headers: { ...auth, "if-match": `"${version}"` },
    payload: { flags },
  });
  expect(res.statusCode).toBe(200);
  return res.json<SyncSetup>();
}

async function read(): Promise<SyncSetup> {
  const res = await h.app.inject({ url: "/api/v1/setups/JSMITH", headers: auth });
  expect(res.statusCode).toBe(200);
  return res.json<SyncSetup>();
}

/** What the pane's status line says about a setup the server returned. */
function status(setup: SyncSetup): { key: string; message?: string } {
  const line = statusLine(setup, { saving: false, phase: "ready", formatTime: (iso) => iso })!;
  return { key: line.key, ...(line.params.message !== undefined ? { message: line.params.message } : {}) };
}

function syncpar(): Flags | null {
  const row = h.syncpar("JSMITH");
  if (!row) return null;
  return Object.fromEntries(Object.keys(flagsWith({})).map((c) => [c, decodeYesNo(row[c], "localMenu")])) as Flags;
}

async function until(what: string, check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The most attempts the schedule allows in `windowMs`: one now, then one after each delay that fits. */
function scheduleMax(windowMs: number): number {
  let attempts = 1;
  for (let elapsed = retryDelayMs(0, BACKOFF); elapsed <= windowMs; elapsed += retryDelayMs(attempts - 1, BACKOFF)) attempts += 1;
  return attempts;
}

/** The latest outbox row of JSMITH, as the worker left it. */
async function outboxRow() {
  return h.database.db
    .selectFrom("outbox")
    .select(["version", "state", "attempts", "last_attempt_at", "next_attempt_at", "message"])
    .where("user_code", "=", "JSMITH")
    .orderBy("version", "desc")
    .executeTakeFirstOrThrow();
}

/**
 * Watches the delivery of the latest version while X3 fails, until `retries` more attempts have failed:
 * each retry must be scheduled by the backoff (next attempt = last attempt + the schedule's delay), and
 * there may be no more attempts than the schedule allows in the time that passed.
 */
async function watchRetries(retries: number): Promise<{ attempts: number; requests: number; elapsedMs: number }> {
  const start = await outboxRow();
  const requestsBefore = arrivals.length;
  const started = Date.now();
  let seen = start.attempts;
  let row = start;
  while (row.attempts < start.attempts + retries) {
    if (Date.now() - started > 15_000) throw new Error(`fewer than ${retries} retries in 15 s`);
    await new Promise((r) => setTimeout(r, 15));
    row = await outboxRow();
    expect(row.state).toBe("pending");
    if (row.attempts !== seen && row.last_attempt_at && row.next_attempt_at) {
      seen = row.attempts;
      const gap = Date.parse(row.next_attempt_at) - Date.parse(row.last_attempt_at);
      // markRetry computes both from its own clock readings, a few ms apart at most.
      expect(gap).toBeGreaterThanOrEqual(retryDelayMs(row.attempts - 1, BACKOFF) - 5);
      expect(gap).toBeLessThanOrEqual(retryDelayMs(row.attempts - 1, BACKOFF) + 50);
    }
  }
  return { attempts: row.attempts - start.attempts, requests: arrivals.length - requestsBefore, elapsedMs: Date.now() - started };
}

/** Ways X3 fails that trying again later may cure, each with what the stored reason must say. */
const TRANSIENT: readonly { name: string; fault: FaultInput | "down"; reason: RegExp }[] = [
  { name: "503 Service Unavailable", fault: { kind: "unavailable" }, reason: /HTTP 503/ },
  { name: "connection reset", fault: { kind: "reset" }, reason: /cannot reach X3/ },
  // The harness's gateway waits 1.5 s for an answer.
  { name: "no answer in time", fault: { kind: "latency", ms: 10_000 }, reason: /no answer in time|no complete answer/ },
  { name: "X3 down (port closed)", fault: "down", reason: /cannot reach X3 \(ECONNREFUSED/ },
];

describe.each(TRANSIENT)("X3 fails transiently: $name", ({ fault, reason }) => {
  it("keeps every save, retries on the backoff schedule, tells the pane, and delivers the last version when X3 is back", async () => {
    const first = await save(0, flagsWith({ CORADXCRE: true }));
    await until("version 1 delivered", async () => (await h.store.delivery("JSMITH")).state === "delivered");
    expect(status(await read())).toEqual({ key: "status.savedToX3" });

    const port = (h.emulator.app.server.address() as { port: number }).port;
    if (fault === "down") {
      await new Promise<void>((ok) => {
        h.emulator.app.server.close(() => ok());
        h.emulator.app.server.closeAllConnections();
      });
    } else {
      h.emulator.app.x3Emulator.faults.set(fault);
    }

    // Saves while X3 fails are accepted; the pane says "waiting for X3" with X3's reason kept.
    const second = await save(first.version, flagsWith({ CORADXCRE: true, COROTKCRE: true }));
    expect(second.version).toBe(2);
    const last = flagsWith({ COROTKCRE: true, TSKOTKDLT: true });
    const third = await save(second.version, last);
    expect(third.version).toBe(3);
    await until("the first attempt for version 3 failed", async () => (await outboxRow()).attempts >= 1);
    const pending = await read();
    expect(pending).toMatchObject({ version: 3, flags: last, delivery: { state: "pending", version: 3, message: expect.stringMatching(reason) } });
    expect(Date.parse(pending.delivery.nextAttemptAt!)).toBeGreaterThan(Date.parse(pending.delivery.at!));
    expect(status(pending).key).toBe("status.waitingForX3Retry");
    expect(pending.x3.confirmed).toBe(false);

    // No tight loop: retries spaced by the schedule, and no more of them than it allows in the time taken.
    const watched = await watchRetries(RETRIES_WATCHED);
    expect(watched.attempts).toBeLessThanOrEqual(scheduleMax(watched.elapsedMs));
    // Reads are not retried by this gateway (retries: 0): one api1 request per attempt (the one in flight too).
    if (fault !== "down") expect(watched.requests).toBeLessThanOrEqual(watched.attempts + 1);
    figures.push(
      `${fault === "down" ? "down" : fault.kind}: ${watched.attempts} attempts, ${watched.requests} requests in ${watched.elapsedMs} ms ` +
        `(schedule allows ${scheduleMax(watched.elapsedMs)})`,
    );
    expect(syncpar()).toMatchObject({ CORADXCRE: true, COROTKCRE: false });

    // X3 back: delivery resumes by itself and SYNCPAR ends at the last accepted version.
    const back = Date.now();
    if (fault === "down") await new Promise<void>((ok) => h.emulator.app.server.listen(port, "127.0.0.1", () => ok()));
    else h.emulator.app.x3Emulator.faults.clear();
    await until("version 3 delivered", async () => (await h.store.delivery("JSMITH")).state === "delivered", 10_000);
    figures.push(`  delivered ${Date.now() - back} ms after X3 came back`);
    expect(syncpar()).toEqual(last);
    const delivered = await read();
    expect(delivered).toMatchObject({ version: 3, delivery: { state: "delivered", version: 3 }, x3: { confirmed: true } });
    expect(status(delivered)).toEqual({ key: "status.savedToX3" });
  });
});

describe("X3 refuses with $diagnoses (permanent, as the gateway classifies them)", () => {
  it("stops with X3's reason on the pane, does not retry, keeps the version, and the next save goes through", async () => {
    const first = await save(0, flagsWith({ CORADXCRE: true }));
    const emu = h.emulator.app.x3Emulator;
    // The read before the write passes; X3 refuses the write itself.
    emu.faults.set({ kind: "diagnoses", after: 1, message: "Record locked by user JDOE" });
    const refused = await save(first.version, flagsWith({ CORADXCRE: true, CORADXDLT: true }));
    await until("the refusal recorded", async () => (await h.store.delivery("JSMITH")).state === "failed");
    const shown = await read();
    expect(shown).toMatchObject({ version: refused.version, delivery: { state: "failed", message: expect.stringContaining("Record locked by user JDOE") } });
    expect(status(shown)).toEqual({ key: "status.rejected", message: expect.stringContaining("Record locked by user JDOE") });

    const before = arrivals.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(arrivals.length).toBe(before); // no retry of a refusal
    expect(syncpar()).toMatchObject({ CORADXDLT: false });
    // Kept: the refused version is in the store and its history.
    expect(await h.store.flagsAt("JSMITH", refused.version)).toMatchObject({ CORADXDLT: true });

    emu.faults.clear();
    const next = await save(refused.version, flagsWith({ CORADXCRE: true, CORADXDLT: true, TSKADXCRE: true }));
    await until("the next save delivered", async () => (await h.store.delivery("JSMITH")).state === "delivered");
    expect(syncpar()).toEqual(next.flags);
    expect(status(await read())).toEqual({ key: "status.savedToX3" });
  });
});

describe("X3 slow on the write itself", () => {
  it("a write that times out is retried whole and delivered once X3 answers (the write is idempotent)", async () => {
    const first = await save(0, flagsWith({ CORADXCRE: true }));
    await until("version 1 delivered", async () => (await h.store.delivery("JSMITH")).state === "delivered");
    // The read passes, the PUT gets no answer in time once; the retry is answered.
    h.emulator.app.x3Emulator.faults.set({ kind: "latency", ms: 10_000, after: 1, count: 1 });
    const started = Date.now();
    const second = await save(first.version, flagsWith({ CORADXCRE: false, TSKOTKCRE: true }));
    expect(Date.now() - started).toBeLessThan(DELIVERY_BUDGET_MS + 1500);
    // Before any attempt has finished, the pane says "waiting for X3" without a reason.
    expect(second.delivery).toMatchObject({ state: "pending", version: 2, message: null });
    expect(status(second).key).toBe("status.waitingForX3");
    await until("the timed-out write retried and delivered", async () => (await h.store.delivery("JSMITH")).state === "delivered", 10_000);
    const row = await outboxRow();
    expect(row.attempts).toBe(2);
    expect(syncpar()).toEqual(second.flags);
  });
});

afterAll(() => {
  if (figures.length) process.stdout.write(`[x3Faults] ${figures.join("\n[x3Faults] ")}\n`);
});
