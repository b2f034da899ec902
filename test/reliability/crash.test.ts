/**
 * The server is killed (SIGKILL: no shutdown, no flush) while 200 saves from the four demo users are in
 * flight, then restarted on the same data. What was acknowledged must be in the store, the outbox must
 * deliver it, and X3's SYNCPAR must end at each user's latest stored version — which is the last
 * acknowledged one, or a later one whose answer the crash swallowed (it may or may not have committed).
 */
import { join } from "node:path";
import { FLAG_CODES, type Flags } from "../../src/core/flags";
import type { HistoryEntry } from "../../src/core/setup";
import { openSqlite, type OpenedDatabase } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import { decodeYesNo } from "../../src/core/x3YesNo";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import { DIALECTS, type TestDatabase } from "../server/databases";
import { startTestEmulator, testFolder, type TestFolder } from "../x3/fixture";
import { freePort, HttpsClient, requireBuiltServer, startServerProcess, type ServerProcess } from "./serverProcess";

jest.setTimeout(60_000);

const USERS = [
  { code: "JSMITH", email: "jsmith@contoso.com" },
  { code: "LDUPONT", email: "ldupont@contoso.com" },
  { code: "MCLARK", email: "mclark@contoso.com" },
  { code: "ADMIN", email: "admin@contoso.com" },
] as const;
const SAVES = 200;
/** Concurrent writers per user (panes, the administrator): they race on If-Match like real ones. */
const LANES_PER_USER = 3;
/**
 * A delivery in flight at the kill keeps its lease (5 minutes by default). The restarted server, on the
 * same host, sees that the lease's process is gone and releases it (OutboxWorker.releaseDeadLeases):
 * the default lease is kept here so the test proves that, not a shortened lease.
 */
const RECOVERY_ENV = {};

/** Save number `n` of a run has flags no other save has: the bits of n + 1. */
function flagsOf(n: number): Flags {
  return Object.fromEntries(FLAG_CODES.map((code, bit) => [code, ((n + 1) >> bit) % 2 === 1])) as Flags;
}

const key = (flags: Flags): string => FLAG_CODES.map((c) => (flags[c] ? "1" : "0")).join("");

interface Ack {
  readonly version: number;
  readonly flags: Flags;
}

interface UserRun {
  readonly acks: Ack[];
  /** Flags sent without a definite answer (the crash cut them off): each may or may not be stored. */
  readonly unanswered: Set<string>;
}

/**
 * Runs SAVES saves spread over the users' lanes and SIGKILLs the server once `killAfter` are acknowledged.
 * A 412 is retried on the version the server reports, as the pane does after its (here trivial) merge.
 */
async function saveUntilKilled(server: ServerProcess, client: HttpsClient, tokens: Map<string, string>, killAfter: number) {
  const runs = new Map<string, UserRun>(USERS.map((u) => [u.code, { acks: [], unanswered: new Set() }]));
  const known = new Map<string, number>(USERS.map((u) => [u.code, 0]));
  let next = 0;
  let acked = 0;
  let conflicts = 0;
  let killed: Promise<void> | null = null;

  async function lane(user: (typeof USERS)[number]): Promise<void> {
    const run = runs.get(user.code)!;
    while (!killed) {
      const n = next++;
      if (n >= SAVES) return;
      const flags = flagsOf(n);
      for (;;) {
        const base = known.get(user.code)!;
        let res;
        try {
          res = await client.call("PUT", `/api/v1/setups/${user.code}`, {
            headers: { authorization: `Bearer ${tokens.get(user.code)}`, "if-match": `"${base}"` },
            body: { flags },
          });
        } catch {
          run.unanswered.add(key(flags));
          return;
        }
        if (res.status === 200) {
          // A save is a compare-and-set on If-Match: it wrote version base + 1. The answer describes the
          // setup as it is after the delivery wait, which may already be a later writer's version.
          const current = (res.json as { version: number }).version;
          expect(current).toBeGreaterThan(base);
          run.acks.push({ version: base + 1, flags });
          known.set(user.code, Math.max(known.get(user.code)!, current));
          acked += 1;
          if (acked === killAfter) killed = server.kill();
          break;
        }
        if (res.status === 412) {
          conflicts += 1;
          const current = (res.json as { current: { version: number } }).current.version;
          known.set(user.code, Math.max(known.get(user.code)!, current));
          if (killed) return;
          continue;
        }
        throw new Error(`PUT ${user.code}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
      }
    }
  }

  const lanes = USERS.flatMap((u) => Array.from({ length: LANES_PER_USER }, () => lane(u)));
  await Promise.all(lanes);
  if (!killed) throw new Error(`all ${SAVES} saves were answered before the kill; raise SAVES or lower killAfter`);
  await killed;
  return { runs, sent: Math.min(next, SAVES), acked, conflicts };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, ms: number, explain: () => Promise<string>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms\n${await explain()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function syncparFlags(emulator: RunningX3Emulator, userCode: string): Flags | null {
  const row = emulator.app.x3Emulator.store.get("SYNCPAR", userCode)?.values;
  if (!row) return null;
  return Object.fromEntries(FLAG_CODES.map((c) => [c, decodeYesNo(row[c], "localMenu")])) as Flags;
}

describe.each(DIALECTS)("a SIGKILL in the middle of 200 saves ($name)", ({ name, make, required }) => {
  let folder: TestFolder;
  let emulator: RunningX3Emulator;
  let database: TestDatabase | null = null;
  let server: ServerProcess | null = null;
  let client: HttpsClient;
  let available = true;

  beforeAll(async () => {
    requireBuiltServer();
    available = await required();
    if (!available) return;
    folder = await testFolder();
    emulator = await startTestEmulator(folder, { testHooks: true });
    database = await make();
  });

  afterAll(async () => {
    await server?.kill();
    await client?.close();
    await emulator?.close();
    await database?.drop();
    await folder?.remove();
  });

  it("loses no acknowledged save, and X3 ends at each user's latest stored version", async () => {
    if (!available) return;
    const port = await freePort();
    const start = () => startServerProcess({ folder, x3Url: emulator.url, port, databaseUrl: database!.url, env: RECOVERY_ENV });
    server = await start();
    client = new HttpsClient(server.url, folder.tls.ca);
    const tokens = new Map<string, string>();
    for (const u of USERS) tokens.set(u.code, await client.token(u.email));

    const started = Date.now();
    const killAfter = 40 + Math.floor(Math.random() * 40);
    const { runs, sent, acked, conflicts } = await saveUntilKilled(server, client, tokens, killAfter);
    const crashedAfterMs = Date.now() - started;

    const restartedAt = Date.now();
    server = await start();
    const restartMs = Date.now() - restartedAt;

    // The store, read directly (the same SQLite file or PostgreSQL schema the server uses).
    const opened: OpenedDatabase = database!.url ? await database!.open() : await openSqlite(join(folder.dir, "addin.sqlite"));
    const store = new SetupStore(opened.db, opened.dialect);
    try {
      for (const u of USERS) {
        const run = runs.get(u.code)!;
        const auth = { authorization: `Bearer ${tokens.get(u.code)}` };
        const last = run.acks.reduce<Ack | null>((a, b) => (a && a.version > b.version ? a : b), null);
        const stored = await store.get(u.code);
        // Durable: the acknowledged version (or a later one) is there.
        expect(stored?.version ?? 0).toBeGreaterThanOrEqual(last?.version ?? 0);

        // History holds every acknowledged version, with the flags that were acknowledged.
        const page = await client.call("GET", `/api/v1/setups/${u.code}/history?pageSize=100&page=1`, { headers: auth });
        expect(page.status).toBe(200);
        const { items, total } = page.json as { items: HistoryEntry[]; total: number };
        expect(total).toBeLessThanOrEqual(100);
        const versions = new Set(items.map((i) => i.version));
        for (const ack of run.acks) {
          expect(versions.has(ack.version)).toBe(true);
          expect(await store.flagsAt(u.code, ack.version)).toEqual(ack.flags);
        }
        // Whatever is stored beyond the last acknowledgement was sent and cut off by the crash.
        if (stored && last && stored.version > last.version) expect(run.unanswered.has(key(stored.flags))).toBe(true);
        if (stored && last && stored.version === last.version) expect(stored.flags).toEqual(last.flags);
      }

      const unanswered = [...runs.values()].reduce((n, r) => n + r.unanswered.size, 0);
      process.stdout.write(
        `[crash ${name}] sent ${sent}, acknowledged ${acked} (kill at ${killAfter}, ${crashedAfterMs} ms), ` +
          `412s ${conflicts}, cut off ${unanswered}; restart ${restartMs} ms; every acknowledged save found\n`,
      );

      // The outbox delivers after the restart, and SYNCPAR ends at the latest stored version.
      const deliveredIn = await waitFor(
        "every user delivered",
        async () => {
          for (const u of USERS) {
            const stored = await store.get(u.code);
            const delivery = await store.delivery(u.code);
            if (!stored || delivery.state !== "delivered" || delivery.version !== stored.version) return null;
            const x3 = syncparFlags(emulator, u.code);
            if (!x3 || key(x3) !== key(stored.flags)) return null;
          }
          return Date.now() - restartedAt;
        },
        25_000,
        async () => {
          const rows = await opened.db
            .selectFrom("outbox")
            .select(["user_code", "version", "state", "attempts", "lease_owner", "lease_until", "message"])
            .where((eb) => eb.or([eb("state", "=", "pending"), eb("lease_until", "is not", null)]))
            .execute();
          return `undelivered or leased outbox rows (a lease of the killed process blocks its user until it runs out):\n${JSON.stringify(rows, null, 1)}`;
        },
      );

      // The pane's view agrees: its next read is the stored version, confirmed by X3.
      for (const u of USERS) {
        const res = await client.call("GET", `/api/v1/setups/${u.code}`, { headers: { authorization: `Bearer ${tokens.get(u.code)}` } });
        const stored = await store.get(u.code);
        expect(res.json).toMatchObject({ version: stored!.version, flags: stored!.flags, delivery: { state: "delivered" }, x3: { confirmed: true } });
      }
      process.stdout.write(`[crash ${name}] all delivered and confirmed ${deliveredIn} ms after the restart\n`);
    } finally {
      await opened.close();
    }
  });
});
