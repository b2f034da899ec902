/**
 * Part 5, the outbox at scale: 10,000 changes for 1,000 X3 users (10 versions each), queued through the
 * SetupStore exactly as a save with deliver=true queues them, delivered by OutboxWorker through the real
 * X3Gateway to the X3 emulator over HTTPS.
 *
 * - "coalesced": the 10 versions are queued before any delivery. A newer version supersedes the undelivered
 *   older one in the same transaction (X3 only needs the latest full set), so 1,000 deliveries carry the
 *   10,000 changes, as in production after X3 was down or on Monday morning.
 * - "every version": 10 rounds of one version per user, each round drained before the next is queued, so
 *   nothing coalesces and all 10,000 versions are written to X3: the worst case for the outbox.
 *
 * 1, 2 and 4 workers on PostgreSQL (separate OutboxWorker instances, each with its own pool and gateway,
 * sharing one database as replicas do; skipped with a notice when no PostgreSQL answers) and 1 on SQLite.
 * Afterwards every user's SYNCPAR must hold its last version, and the emulator's write log must show each
 * user's versions only going up. The workers run with production options.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import { allFlags, FLAG_CODES, type Flags } from "../src/core/flags";
import { decodeYesNo } from "../src/core/x3YesNo";
import { developmentTls, type TlsMaterial } from "../src/server/devCertificates";
import { OutboxWorker } from "../src/server/outbox";
import { openPostgres, openSqlite, type OpenedDatabase } from "../src/server/store/database";
import { SetupStore } from "../src/server/store/setupStore";
import { startX3Emulator, type RunningX3Emulator } from "../src/x3/emulator";
import { X3Gateway } from "../src/x3/gateway";
import { type BenchPart, POSTGRES_URL, postgresAnswers, type Row, round, scratchPostgres } from "./lib";

const USERS = Number(process.env.BENCH_OUTBOX_USERS ?? 1000);
const VERSIONS = 10;
/** A run that has not drained by then is reported as stuck rather than waited for. */
const DRAIN_LIMIT_MS = 10 * 60_000;

/** The version is written into four flags (binary), so each SYNCPAR write says which version it carries. */
const VERSION_BITS = FLAG_CODES.slice(0, 4);

function flagsOf(version: number): Flags {
  const flags: Record<string, boolean> = { ...allFlags(false) };
  VERSION_BITS.forEach((code, bit) => (flags[code] = ((version >> bit) & 1) === 1));
  return flags as Flags;
}

function versionOf(values: Readonly<Record<string, string | number>>): number {
  return VERSION_BITS.reduce((v, code, bit) => v + (decodeYesNo(values[code], "localMenu") ? 1 << bit : 0), 0);
}

/** X3's stored yes (local menu 2). */
const YES = 2;

const userCode = (i: number): string => `BU${String(i).padStart(5, "0")}`;

/** The workers log nothing here: a line per delivery would measure the terminal. */
const SILENT: FastifyBaseLogger = (() => {
  const noop = (): void => undefined;
  const log = { level: "silent", fatal: noop, error: noop, warn: noop, info: noop, debug: noop, trace: noop, silent: noop };
  return { ...log, child: () => SILENT } as unknown as FastifyBaseLogger;
})();

interface DatabaseKind {
  readonly name: "SQLite" | "PostgreSQL";
  /** Opens one replica's connection to the shared database. */
  open(): Promise<OpenedDatabase>;
  drop(): Promise<void>;
}

async function sqliteKind(): Promise<DatabaseKind> {
  const dir = await mkdtemp(join(tmpdir(), "bench-outbox-"));
  return { name: "SQLite", open: () => openSqlite(join(dir, "store.sqlite")), drop: () => rm(dir, { recursive: true, force: true }) };
}

async function postgresKind(): Promise<DatabaseKind> {
  const db = await scratchPostgres("bench_outbox");
  if (typeof db === "string") throw new Error(db);
  return { name: "PostgreSQL", open: () => openPostgres(db.url, 4), drop: db.drop };
}

interface Scenario {
  readonly label: string;
  readonly kind: () => Promise<DatabaseKind>;
  readonly workers: number;
  readonly coalesce: boolean;
}

interface Outcome {
  readonly label: string;
  readonly deliveries: number;
  readonly ms: number;
  readonly queueMs: number;
  readonly perSecond: number;
  readonly x3Requests: number;
  readonly writesOutOfOrder: number;
  readonly repeatedWrites: number;
  readonly wrongFinal: number;
}

/** What the emulator's SYNCPAR received, per user, in the order it was written. */
class WriteLog {
  readonly versions = new Map<string, number[]>();
  record(user: string, version: number): void {
    const list = this.versions.get(user);
    if (list) list.push(version);
    else this.versions.set(user, [version]);
  }
  /** Writes carrying an older version than one X3 was already given (must be 0), and repeats (at least once). */
  check(): { outOfOrder: number; repeated: number; writes: number } {
    let outOfOrder = 0;
    let repeated = 0;
    let writes = 0;
    for (const list of this.versions.values()) {
      writes += list.length;
      for (let i = 1; i < list.length; i++) {
        if (list[i]! < list[i - 1]!) outOfOrder++;
        else if (list[i] === list[i - 1]) repeated++;
      }
    }
    return { outOfOrder, repeated, writes };
  }
}

async function pendingCount(db: OpenedDatabase): Promise<number> {
  const row = await db.db
    .selectFrom("outbox")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("state", "=", "pending")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function drained(db: OpenedDatabase): Promise<void> {
  const end = Date.now() + DRAIN_LIMIT_MS;
  while ((await pendingCount(db)) > 0) {
    if (Date.now() > end) throw new Error(`the outbox did not drain in ${DRAIN_LIMIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Queues `version` for each user, as a pane save with deliver=true does (a few saves at once on PostgreSQL). */
async function queue(store: SetupStore, version: number, parallel: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < USERS; i = next++) {
      const result = await store.save({
        userCode: userCode(i),
        flags: flagsOf(version),
        expectedVersion: version - 1,
        baseline: allFlags(false),
        actor: "bench@contoso.com",
        source: "pane",
        deliver: true,
      });
      if (!result.ok) throw new Error(`save of ${userCode(i)} v${version} refused: ${result.reason}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

async function runScenario(s: Scenario, tls: TlsMaterial): Promise<Outcome> {
  const emulator: RunningX3Emulator = await startX3Emulator({ port: 0, tls, dataFile: null, testHooks: false });
  const x3 = emulator.app.x3Emulator;
  for (let i = 0; i < USERS; i++) {
    x3.store.put("AUTILIS", { USR: userCode(i), INTUSR: `Bench ${i}`, ADDEML: `bench${i}@contoso.com`, LAN: "ENG", PRFFCT: "SALES", ENAFLG: YES }, "ADMIN", false);
  }
  const log = new WriteLog();
  x3.store.onWrite((table, row) => {
    if (table === "SYNCPAR") log.record(String(row.values.SYPUSR), versionOf(row.values));
  });

  const kind = await s.kind();
  const databases: OpenedDatabase[] = [];
  const gateways: X3Gateway[] = [];
  const workers: OutboxWorker[] = [];
  let queueMs = 0;
  let ms = 0;
  try {
    // One after the other: the first replica migrates the fresh database, the others find it migrated.
    for (let i = 0; i < s.workers; i++) {
      const d = await kind.open();
      databases.push(d);
      const gateway = new X3Gateway({ baseUrl: emulator.url, endpoint: "SEED", auth: { kind: "basic", user: "admin", password: "admin" }, ca: tls.ca });
      gateways.push(gateway);
      // Production options: what a replica runs.
      workers.push(new OutboxWorker(new SetupStore(d.db, d.dialect), gateway, SILENT));
    }
    const producer = new SetupStore(databases[0]!.db, databases[0]!.dialect);
    const parallel = kind.name === "PostgreSQL" ? 8 : 1;
    const requestsBefore = x3.requests.total;
    if (s.coalesce) {
      const q = performance.now();
      for (let v = 1; v <= VERSIONS; v++) await queue(producer, v, parallel);
      queueMs = performance.now() - q;
      const t = performance.now();
      for (const w of workers) w.start();
      await drained(databases[0]!);
      ms = performance.now() - t;
    } else {
      // The workers rest while a round is queued, so the time measured is delivery only.
      for (let v = 1; v <= VERSIONS; v++) {
        const q = performance.now();
        await queue(producer, v, parallel);
        queueMs += performance.now() - q;
        const t = performance.now();
        for (const w of workers) w.start();
        await drained(databases[0]!);
        ms += performance.now() - t;
        await Promise.all(workers.map((w) => w.stop()));
      }
    }
    await Promise.all(workers.map((w) => w.stop()));
    const x3Requests = x3.requests.total - requestsBefore;
    const { outOfOrder, repeated, writes } = log.check();
    let wrongFinal = 0;
    for (let i = 0; i < USERS; i++) {
      const row = x3.store.get("SYNCPAR", userCode(i));
      if (!row || versionOf(row.values) !== VERSIONS) wrongFinal++;
    }
    return {
      label: s.label,
      deliveries: writes,
      ms,
      queueMs,
      perSecond: writes / (ms / 1000),
      x3Requests,
      writesOutOfOrder: outOfOrder,
      repeatedWrites: repeated,
      wrongFinal,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all(databases.map((d) => d.close()));
    await kind.drop();
    await emulator.close();
  }
}

function scenarios(postgres: boolean): Scenario[] {
  const list: Scenario[] = [];
  if (postgres) {
    for (const workers of [1, 2, 4]) list.push({ label: `PostgreSQL, ${workers} worker(s), coalesced`, kind: postgresKind, workers, coalesce: true });
    for (const workers of [1, 4]) list.push({ label: `PostgreSQL, ${workers} worker(s), every version`, kind: postgresKind, workers, coalesce: false });
  }
  list.push({ label: "SQLite, 1 worker, coalesced", kind: sqliteKind, workers: 1, coalesce: true });
  list.push({ label: "SQLite, 1 worker, every version", kind: sqliteKind, workers: 1, coalesce: false });
  const only = process.env.BENCH_OUTBOX_ONLY;
  return only ? list.filter((s) => s.label.includes(only)) : list;
}

export const part: BenchPart = {
  id: "outbox",
  async run() {
    const postgres = await postgresAnswers();
    if (!postgres) process.stdout.write(`  outbox: PostgreSQL skipped, nothing answers at ${POSTGRES_URL}; SQLite only\n`);
    const dir = await mkdtemp(join(tmpdir(), "bench-outbox-tls-"));
    const outcomes: Outcome[] = [];
    try {
      const tls = await developmentTls(dir, null);
      for (const s of scenarios(postgres)) {
        process.stdout.write(`  outbox: ${s.label}…\n`);
        outcomes.push(await runScenario(s, tls));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const rows: Row[] = outcomes.flatMap((o) => {
      const ok = o.writesOutOfOrder === 0 && o.wrongFinal === 0;
      return [
        {
          name: `${o.label}: total`,
          value: round(o.ms / 1000, 2),
          unit: "s",
          note: `${o.deliveries} SYNCPAR writes for ${USERS * VERSIONS} changes, ${round(o.x3Requests / Math.max(1, o.deliveries), 1)} X3 requests each; queueing took ${round(o.queueMs / 1000, 1)} s`,
        },
        {
          name: `${o.label}: deliveries/s`,
          value: round(o.perSecond, 0),
          unit: "1/s",
          budget: {
            text: "per-user order kept, every SYNCPAR at its last version",
            pass: ok,
          },
          note: `${o.writesOutOfOrder} out of order, ${o.wrongFinal} wrong final rows, ${o.repeatedWrites} repeated writes`,
        },
      ];
    });
    const title = "5. Outbox: 10,000 changes for 1,000 users";
    return {
      title: postgres ? title : `${title} (PostgreSQL skipped: nothing answers at ${POSTGRES_URL})`,
      rows,
      details: { users: USERS, versions: VERSIONS, postgres: postgres ? POSTGRES_URL : `skipped: nothing answers at ${POSTGRES_URL}`, outcomes },
    };
  },
};
