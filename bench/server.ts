/**
 * Part 4: the add-in server's throughput and latency under autocannon, over HTTPS with bearer tokens,
 * on SQLite and (when one answers) PostgreSQL, as a ratio to a bare Fastify HTTPS route in the same run.
 *
 * The server runs in a child process (this file, started with `--server-child`), so its resident memory
 * is its own and autocannon's work is not counted in it. The child builds the real app (`buildApp`: helmet,
 * both rate limits, compression, the authentication hook, zod, the outbox worker, info-level request logs
 * to /dev/null) with development tokens. X3 is the emulator's in-memory table store called in-process
 * (`InProcessX3`): the server's own work is measured, not the HTTPS round trips to an X3 emulator sharing
 * the same two cores. Delivery is not isolated: a save still waits for its delivery (claim the outbox row,
 * write SYNCPAR, mark it delivered) as it does in production; X3 simply answers at once.
 *
 * Beside the add-in's PUT, the calibration the issue gives for the budget: its "straightforward prototype"
 * with the two levers it names (bench/referenceSave.ts), in the same child process, measured in the same
 * rounds, without a budget of its own: what a minimal durable save reaches on the machine of the run, which
 * the add-in's PUT is held to (bench/serverBudgets.ts: ≥ 50 % of it at 16 connections, since issue 19).
 *
 * Beside each rate, the CPU time per request of the server process (process.cpuUsage in the child: every
 * thread, the kernel's share apart) and of autocannon (this process): both share the machine's cores, so a
 * ratio to the bare route is also a ratio of what each request costs the two of them.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import Fastify from "fastify";
import { FLAG_CODES, type FlagCode, type Flags } from "../src/core/flags";
import type { X3User } from "../src/core/setup";
import { encodeYesNo } from "../src/core/x3YesNo";
import { buildApp } from "../src/server/app";
import { DevTokenIssuer } from "../src/server/auth/tokens";
import { loadConfig } from "../src/server/config";
import { developmentTls } from "../src/server/devCertificates";
import { openDatabase } from "../src/server/store/database";
import { SetupStore } from "../src/server/store/setupStore";
import type { X3Port } from "../src/server/x3Port";
import { X3EmulatorStore } from "../src/x3/emulator/store";
import { parseSyncpar, parseUser } from "../src/x3/records";
import type { X3Body } from "../src/x3/transport";
import { type BenchPart, benchServerEnv, median, type Row, round, scratchPostgres, type Section } from "./lib";
import { ConnectionLatencies, type LatencySummary } from "./connectionLatency";
import { buildReferenceSave, type ReferenceUser } from "./referenceSave";
import { serverBudgetRows } from "./serverBudgets";

/**
 * Users the load is spread over, round robin: a company's Monday morning, every user saving their own setup.
 * With 1,000 users a user's next request comes long after its last answer, so a PUT conflicts (412) only
 * when something really went wrong; conflicting saves are the concurrency tests' subject, not this bench's.
 */
const USERS = 1000;
const CONNECTIONS = [1, 16, 64] as const;
/** Seconds each kind is measured at each connection count, in ROUNDS interleaved rounds. */
const SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 6);
const ROUNDS = 3;
const MEMORY_REQUESTS = Number(process.env.BENCH_SERVER_REQUESTS ?? 100_000);
const MEMORY_BUDGET_MB = 20;

/** A user the load acts as: whose setup, with which bearer token. */
interface LoadUser {
  readonly code: string;
  readonly token: string;
}

interface BenchUser extends LoadUser {
  readonly email: string;
}

type ToChild = { type: "rss" } | { type: "cpu" } | { type: "stop" };
type FromChild =
  | { type: "ready"; url: string; bareUrl: string; users: BenchUser[]; reference: { url: string; users: ReferenceUser[] } | null }
  | { type: "rss"; rss: number; heapUsed: number }
  | { type: "cpu"; usage: NodeJS.CpuUsage }
  | { type: "failed"; message: string };

// ---- The server, in the child process ---------------------------------------------------------------

const stored = (value: boolean) => encodeYesNo(value, "localMenu") as number;
const body = (row: { uuid: string; etag: string; values: Readonly<Record<string, unknown>> }): X3Body => ({
  $uuid: row.uuid,
  $etag: row.etag,
  ...row.values,
});

/** X3 as the emulator models it (its table store), answering in-process and at once. */
class InProcessX3 implements X3Port {
  constructor(private readonly x3: X3EmulatorStore) {}

  async readSyncpar(userCode: string) {
    const row = this.x3.get("SYNCPAR", userCode.toUpperCase());
    return row ? parseSyncpar(body(row), "localMenu", "read SYNCPAR").row : null;
  }

  async writeSyncpar(userCode: string, flags: Flags) {
    const values = Object.fromEntries(FLAG_CODES.map((c) => [c, stored(flags[c])]));
    return this.x3.put("SYNCPAR", { SYPUSR: userCode.toUpperCase(), ...values, CLLADXCRE: stored(false) }, "WEB", false);
  }

  async findUsersByEmail(email: string): Promise<X3User[]> {
    // X3 answers a filtered query: only the matching rows are parsed.
    const wanted = email.toLowerCase();
    return this.x3
      .rows("AUTILIS")
      .filter((r) => String(r.values.ADDEML ?? "").toLowerCase() === wanted)
      .map((r) => parseUser(body(r), "query AUTILIS"));
  }

  async getUser(code: string) {
    const row = this.x3.get("AUTILIS", code.toUpperCase());
    return row ? parseUser(body(row), "read AUTILIS") : null;
  }

  async listUsers() {
    return this.x3.rows("AUTILIS").map((r) => parseUser(body(r), "query AUTILIS"));
  }

  async userParameters() {
    return { AUSCRMA: "1", AUSCRMF: "REP01" };
  }

  async folderParameters() {
    return {};
  }

  async syncData() {
    return [];
  }
}

async function runChild(): Promise<void> {
  const send = (m: FromChild) => process.send!(m);
  const dir = mkdtempSync(join(tmpdir(), "bench-server-"));
  const databaseUrl = process.env.BENCH_DATABASE_URL || "";
  const config = loadConfig(
    {
      ...benchServerEnv(dir),
      // Raised for the bench: every request comes from one address and a few users, far beyond the
      // production limits (1,200 a minute per address, 300 per user), which would answer 429 instead.
      RATE_LIMIT_PER_ADDRESS: "1000000000",
      RATE_LIMIT_PER_USER: "1000000000",
      // And the cap on identity lookups towards X3 (5 a second): the bench's users sign in at once.
      IDENTITY_LOOKUPS_PER_SECOND: "1000",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    dir,
  );
  const tls = await developmentTls(dir, null);
  const x3Store = X3EmulatorStore.open();
  const users: BenchUser[] = [];
  const issuer = new DevTokenIssuer(undefined);
  for (let i = 1; i <= USERS; i++) {
    const code = `BENCH${String(i).padStart(4, "0")}`;
    const email = `${code.toLowerCase()}@contoso.com`;
    x3Store.put("AUTILIS", { USR: code, INTUSR: `Bench user ${i}`, ADDEML: email, LAN: "ENG", PRFFCT: "SALES", ENAFLG: stored(true) }, "ADMIN", false);
    x3Store.put("SYNCPAR", { SYPUSR: code, OTKUSR: code.toLowerCase() }, "ADMIN", false);
    users.push({ code, email, token: await issuer.issue(email) });
  }
  const database = await openDatabase(config);
  const store = new SetupStore(database.db, database.dialect);
  const app = await buildApp({ config, store, x3: new InProcessX3(x3Store), verifier: issuer, devIssuer: issuer, https: tls });
  await app.listen({ host: "127.0.0.1", port: 0 });
  app.outbox.start();

  // The reference: a bare Fastify HTTPS route with a constant JSON, same process, same certificate.
  const bare = Fastify({ logger: false, https: { key: tls.key, cert: tls.cert } });
  bare.get("/bare", async () => ({ ok: true, service: "x3-sync-setup" }));
  await bare.listen({ host: "127.0.0.1", port: 0 });

  // The calibration (SQLite runs only): the issue's prototype with its two levers, same process, same certificate.
  const reference = databaseUrl ? null : await buildReferenceSave(dir, USERS, tls);
  await reference?.app.listen({ host: "127.0.0.1", port: 0 });

  const port = (s: { address(): unknown }) => (s.address() as { port: number }).port;
  process.on("message", (m: ToChild) => {
    if (m.type === "rss") {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      send({ type: "rss", rss, heapUsed });
    } else if (m.type === "cpu") {
      send({ type: "cpu", usage: process.cpuUsage() });
    } else if (m.type === "stop") {
      void (async () => {
        await bare.close();
        await reference?.close();
        await app.close();
        await database.close();
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      })();
    }
  });
  send({
    type: "ready",
    url: `https://127.0.0.1:${port(app.server)}`,
    bareUrl: `https://127.0.0.1:${port(bare.server)}`,
    users,
    reference: reference ? { url: `https://127.0.0.1:${port(reference.app.server)}`, users: [...reference.users] } : null,
  });
}

// ---- The load, in the bench process -----------------------------------------------------------------

interface ServerChild {
  readonly ready: Extract<FromChild, { type: "ready" }>;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** The server process's CPU time so far (all its threads: the event loop, SQLite's fsyncs, the checkpointer). */
  cpu(): Promise<NodeJS.CpuUsage>;
  stop(): Promise<void>;
}

function startChild(databaseUrl: string | null): Promise<ServerChild> {
  const cpuProf = process.env.BENCH_CPU_PROF;
  const child: ChildProcess = fork(__filename, ["--server-child"], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl ?? "" },
    execArgv: ["--expose-gc", ...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`] : [])],
    // Request logs go to /dev/null: their cost is counted, a terminal's is not.
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const next = <T extends FromChild["type"]>(type: T) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      // Asked twice a round (its CPU time): each wait takes its listeners off again once answered.
      const done = () => {
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      const onMessage = (m: FromChild) => {
        if (m.type === type) {
          done();
          resolve(m as Extract<FromChild, { type: T }>);
        } else if (m.type === "failed") {
          done();
          reject(new Error(m.message));
        }
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`the server process ended (${code})`));
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  return next("ready").then((ready) => ({
    ready,
    async memory() {
      child.send({ type: "rss" } satisfies ToChild);
      const { rss, heapUsed } = await next("rss");
      return { rss, heapUsed };
    },
    async cpu() {
      child.send({ type: "cpu" } satisfies ToChild);
      return (await next("cpu")).usage;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send({ type: "stop" } satisfies ToChild);
      }),
  }));
}

/** What each user's setup is known to be, from the last answer about it: the next PUT starts from it. */
class SetupStates {
  private readonly known = new Map<string, { version: number; flags: Flags }>();
  private turn = 0;

  constructor(private readonly users: readonly LoadUser[]) {}

  get size(): number {
    return this.users.length;
  }

  /** Users with a request sent and no answer read yet: a load that ends drops the answers in flight. */
  private readonly unanswered = new Set<string>();

  /** Round robin over the users. */
  nextUser(): LoadUser {
    const user = this.users[this.turn++ % this.users.length]!;
    this.unanswered.add(user.code);
    return user;
  }

  /** The users whose last answer was dropped when a load ended: their next PUT would start from a stale version. */
  stale(): LoadUser[] {
    const stale = this.users.filter((u) => this.unanswered.has(u.code));
    this.unanswered.clear();
    return stale;
  }

  learn(responseBody: string): void {
    const parsed = JSON.parse(responseBody) as { userCode?: string; version?: number; flags?: Flags; current?: { userCode: string; version: number; flags: Flags } };
    const setup = parsed.current ?? (parsed.userCode ? (parsed as { userCode: string; version: number; flags: Flags }) : null);
    if (!setup) return;
    this.unanswered.delete(setup.userCode);
    const before = this.known.get(setup.userCode);
    if (!before || before.version <= setup.version) this.known.set(setup.userCode, { version: setup.version, flags: setup.flags });
  }

  /** A PUT that really changes something: one flag turned over, from the version last seen. */
  nextWrite(user: LoadUser): { version: number; flags: Flags } {
    const state = this.known.get(user.code);
    if (!state) throw new Error(`no known setup for ${user.code}: read it first`);
    const code: FlagCode = FLAG_CODES[state.version % FLAG_CODES.length]!;
    return { version: state.version, flags: { ...state.flags, [code]: !state.flags[code] } };
  }
}

/** The add-in's bare route, its GET and PUT of a setup, and the calibration's PUT (`ref`). */
type Kind = "bare" | "get" | "put" | "ref";

/** Where each server keeps a user's setup: the add-in's API, and the calibration's. */
const SETUPS = { app: "/api/v1/setups/", ref: "/setups/" } as const;

/** `GET <setups><user>` for the user `pick` gives, whose answer `states` learns. */
function readRequest(pick: () => LoadUser, states: SetupStates, setups: string = SETUPS.app): autocannon.Request {
  return {
    method: "GET",
    setupRequest: (req) => {
      const user = pick();
      return { ...req, path: `${setups}${user.code}`, headers: { authorization: `Bearer ${user.token}` } };
    },
    onResponse: (_status, responseBody) => states.learn(responseBody),
  };
}

function requestsFor(kind: Kind, states: SetupStates): autocannon.Request[] {
  if (kind === "bare") return [{ method: "GET", path: "/bare" }];
  if (kind === "get") return [readRequest(() => states.nextUser(), states)];
  const setups = kind === "ref" ? SETUPS.ref : SETUPS.app;
  const onResponse = (_status: number, responseBody: string) => states.learn(responseBody);
  return [
    {
      method: "PUT",
      setupRequest: (req) => {
        const user = states.nextUser();
        const write = states.nextWrite(user);
        return {
          ...req,
          path: `${setups}${user.code}`,
          headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json", "if-match": `"${write.version}"` },
          body: JSON.stringify({ flags: write.flags }),
        };
      },
      onResponse,
    },
  ];
}

interface Measure {
  readonly kind: Kind;
  readonly connections: number;
  readonly requestsPerSecond: number;
  /** 2xx answers a second: for PUT, the writes that committed (412 are lost compare-and-set races). */
  readonly okPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly p99Rounds: readonly number[];
  /**
   * The same without each connection's first request (which waited for its TLS handshake and those of the
   * connections opened with it: bench/connectionLatency.ts): p99 of requests on open connections, median of
   * the rounds, each round's; and the first requests' slowest.
   */
  readonly p99OnOpen: number;
  readonly p99OnOpenRounds: readonly number[];
  readonly firstRequestMax: number;
  readonly non2xx: number;
  /** The non-2xx answers by status code (e.g. a 412 is a lost compare-and-set race, a 500 a failure). */
  readonly non2xxCodes: Readonly<Record<string, number>>;
  readonly errors: number;
  /** CPU time per request, in µs: the server process's (and of it, in the kernel), and autocannon's in this process. */
  readonly cpu: { readonly server: number; readonly serverKernel: number; readonly loadGenerator: number };
}

/** A load's result with the CPU time the server and the load generator spent on it. */
interface Round {
  readonly result: autocannon.Result;
  readonly latency: LatencySummary;
  readonly server: NodeJS.CpuUsage;
  readonly loadGenerator: NodeJS.CpuUsage;
}

/** One load, with the CPU time each side spent on it. */
async function measuredLoad(child: ServerChild, url: string, kind: Kind, connections: number, states: SetupStates, seconds: number): Promise<Round> {
  const serverBefore = await child.cpu();
  const before = process.cpuUsage();
  const latencies = new ConnectionLatencies();
  const result = await load(url, kind, connections, states, { duration: seconds, setupClient: latencies.attach });
  const loadGenerator = process.cpuUsage(before);
  const serverAfter = await child.cpu();
  return { result, latency: latencies.summary(), loadGenerator, server: { user: serverAfter.user - serverBefore.user, system: serverAfter.system - serverBefore.system } };
}

async function load(url: string, kind: Kind, connections: number, states: SetupStates, extra: Partial<autocannon.Options> = {}) {
  return autocannon({
    url,
    connections,
    pipelining: 1,
    duration: SECONDS,
    requests: requestsFor(kind, states),
    ...extra,
  });
}

function non2xxCodesOf(rounds: readonly autocannon.Result[]): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const r of rounds) {
    for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) if (!code.startsWith("2")) codes[code] = (codes[code] ?? 0) + (count ?? 0);
  }
  return codes;
}

/** Rates over the rounds together; latency percentiles are each round's, and the median of the rounds is kept. */
function measureOf(kind: Kind, connections: number, measured: readonly Round[]): Measure {
  const rounds = measured.map((m) => m.result);
  const seconds = rounds.reduce((sum, r) => sum + (r.duration || SECONDS / ROUNDS), 0);
  const sum = (f: (r: autocannon.Result) => number) => rounds.reduce((total, r) => total + f(r), 0);
  const requests = sum((r) => r.requests.total) || 1;
  const perRequest = (f: (m: Round) => number) => round(measured.reduce((total, m) => total + f(m), 0) / requests, 0);
  return {
    kind,
    connections,
    requestsPerSecond: round(sum((r) => r.requests.total) / seconds, 0),
    okPerSecond: round(sum((r) => r["2xx"]) / seconds, 0),
    p50: median(rounds.map((r) => r.latency.p50)),
    p99: median(rounds.map((r) => r.latency.p99)),
    p99Rounds: rounds.map((r) => r.latency.p99),
    p99OnOpen: median(measured.map((m) => m.latency.onOpenConnection.p99)),
    p99OnOpenRounds: measured.map((m) => m.latency.onOpenConnection.p99),
    firstRequestMax: Math.max(...measured.map((m) => m.latency.firstOnConnection.max)),
    non2xx: sum((r) => r.non2xx),
    non2xxCodes: non2xxCodesOf(rounds),
    errors: sum((r) => r.errors + r.timeouts),
    cpu: {
      server: perRequest((m) => m.server.user + m.server.system),
      serverKernel: perRequest((m) => m.server.system),
      loadGenerator: perRequest((m) => m.loadGenerator.user + m.loadGenerator.system),
    },
  };
}

/** A server's setups, and what the bench knows of them. */
interface Target {
  readonly url: string;
  readonly states: SetupStates;
  readonly setups: string;
}

/** Reads every user's setup once, one at a time. */
async function readAll({ url, states, setups }: Target): Promise<void> {
  await autocannon({ url, connections: 1, amount: states.size, requests: [readRequest(() => states.nextUser(), states, setups)] });
}

/** Reads again, one at a time, the users whose last answer a finished load dropped. */
async function refreshStale({ url, states, setups }: Target): Promise<void> {
  const stale = states.stale();
  if (!stale.length) return;
  let next = 0;
  await autocannon({ url, connections: 1, amount: stale.length, requests: [readRequest(() => stale[next++ % stale.length]!, states, setups)] });
  states.stale();
}

async function measureDatabase(label: string, databaseUrl: string | null) {
  const child = await startChild(databaseUrl);
  const { url, bareUrl, users, reference } = child.ready;
  const states = new SetupStates(users);
  const app = { url, states, setups: SETUPS.app };
  const targets: Partial<Record<Kind, Target>> = {
    bare: { ...app, url: bareUrl },
    get: app,
    put: app,
    ...(reference ? { ref: { url: reference.url, states: new SetupStates(reference.users), setups: SETUPS.ref } } : {}),
  };
  const kinds = Object.keys(targets) as Kind[];
  const target = (kind: Kind) => targets[kind]!;
  try {
    // Every user read once (the store takes X3's row as version 1), then a short warm-up of each kind.
    await readAll(app);
    if (targets.ref) await readAll(targets.ref);
    for (const kind of kinds) await load(target(kind).url, kind, 16, target(kind).states, { duration: 2 });
    for (const kind of kinds) await refreshStale(target(kind));

    // Each kind in ROUNDS rounds, interleaved (bare, GET, PUT, REF, bare, GET…), so that a burst of other
    // work on the machine weighs on them alike rather than on whichever ran at that moment.
    const measures: Measure[] = [];
    for (const connections of CONNECTIONS) {
      const rounds: Record<Kind, Round[]> = { bare: [], get: [], put: [], ref: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const kind of kinds) {
          rounds[kind].push(await measuredLoad(child, target(kind).url, kind, connections, target(kind).states, SECONDS / ROUNDS));
          await refreshStale(target(kind));
        }
      }
      for (const kind of kinds) {
        const m = measureOf(kind, connections, rounds[kind]);
        process.stdout.write(
          `    ${kind} ×${connections}: ${m.requestsPerSecond} req/s (${m.okPerSecond} 2xx/s), p50 ${m.p50} ms, p99 ${m.p99} ms ` +
            `(on open connections ${m.p99OnOpen} ms; first request ≤ ${m.firstRequestMax} ms), ${m.non2xx} non-2xx ${JSON.stringify(m.non2xxCodes)}, ${m.errors} errors; ` +
            `CPU per request: server ${m.cpu.server} µs (kernel ${m.cpu.serverKernel}), autocannon ${m.cpu.loadGenerator} µs\n`,
        );
        measures.push(m);
      }
    }

    const before = await child.memory();
    const requests = [...requestsFor("get", states), ...requestsFor("put", states)];
    const soak = await autocannon({ url, connections: 16, pipelining: 1, amount: MEMORY_REQUESTS, requests });
    const after = await child.memory();
    return { label, measures, memory: { before, after, requests: soak.requests.total, non2xx: soak.non2xx, errors: soak.errors } };
  } finally {
    await child.stop();
  }
}

function rowsOf(result: Awaited<ReturnType<typeof measureDatabase>>, budgets: boolean): Row[] {
  const rows: Row[] = [];
  const { label, measures, memory } = result;
  for (const connections of CONNECTIONS) {
    const bare = measures.find((m) => m.kind === "bare" && m.connections === connections)!;
    for (const m of measures.filter((x) => x.connections === connections)) {
      const name = `${label} ${m.kind.toUpperCase().padEnd(4)} ×${connections}`;
      const ratio = m.okPerSecond / bare.requestsPerSecond;
      const note =
        (m.kind === "ref" ? "the issue's prototype, cached tokens and group commit, fsynced (bench/referenceSave.ts): " : "") +
        `p50 ${m.p50} ms, p99 ${m.p99} ms (rounds ${m.p99Rounds.join(" / ")}), on open connections ${m.p99OnOpen} ms (rounds ${m.p99OnOpenRounds.join(" / ")}), ` +
        `first request on a connection ≤ ${m.firstRequestMax} ms${m.kind === "bare" ? "" : `, ${round(ratio * 100, 0)} % of bare`}` +
        `${m.non2xx ? `, ${m.non2xx} non-2xx (${Object.entries(m.non2xxCodes).map(([code, n]) => `${code}: ${n}`).join(", ")})` : ""}${m.errors ? `, ${m.errors} errors` : ""}; CPU/request: server ${m.cpu.server} µs, autocannon ${m.cpu.loadGenerator} µs`;
      rows.push({
        name,
        value: m.kind === "bare" ? m.requestsPerSecond : m.okPerSecond,
        unit: "req/s",
        note,
      });
      if (connections === 64 && (m.kind === "get" || m.kind === "put")) {
        // Retired as a budget (issue 19, item 9): at 64 connections on two shared cores it measures the load
        // generator as much as the server. Kept as a measurement.
        rows.push({
          name: `${label} ${m.kind.toUpperCase()} ×64 p99`,
          value: m.p99OnOpen,
          unit: "ms",
          note: `requests on open connections (median of the rounds' p99: ${m.p99OnOpenRounds.join(" / ")} ms); with each connection's first request, which waited for the handshakes: ${m.p99} ms`,
        });
      }
    }
  }
  if (budgets) rows.push(...serverBudgetRows(label, measures));
  const mb = (bytes: number) => round(bytes / 2 ** 20, 0);
  const growth = (memory.after.rss - memory.before.rss) / 2 ** 20;
  rows.push({
    name: `${label} memory growth`,
    value: round(growth, 1),
    unit: "MB",
    note: `rss ${mb(memory.before.rss)} → ${mb(memory.after.rss)} MB, JS heap ${mb(memory.before.heapUsed)} → ${mb(memory.after.heapUsed)} MB, over ${memory.requests} GET/PUT (after GC)`,
    ...(budgets ? { budget: { text: `< ${MEMORY_BUDGET_MB} MB`, pass: growth < MEMORY_BUDGET_MB } } : {}),
  });
  return rows;
}

export const part: BenchPart = {
  id: "server",
  async run(): Promise<Section> {
    const sqlite = await measureDatabase("SQLite", null);
    const rows = rowsOf(sqlite, true);
    const details: unknown[] = [sqlite];
    const pg = process.env.BENCH_SERVER_SKIP_POSTGRES ? "BENCH_SERVER_SKIP_POSTGRES is set" : await scratchPostgres("bench_server");
    if (typeof pg === "string") {
      process.stdout.write(`  PostgreSQL skipped: ${pg}\n`);
      rows.push({ name: "PostgreSQL", value: 0, unit: "req/s", note: `skipped: ${pg}` });
    } else {
      try {
        const result = await measureDatabase("PostgreSQL", pg.url);
        rows.push(...rowsOf(result, false));
        details.push(result);
      } finally {
        await pg.drop();
      }
    }
    return {
      title: "4. Server throughput and latency (HTTPS, bearer token, autocannon)",
      rows,
      details: { seconds: SECONDS, users: USERS, memoryRequests: MEMORY_REQUESTS, results: details },
    };
  },
};

if (require.main === module && process.argv.includes("--server-child")) {
  runChild().catch((err: unknown) => {
    process.send?.({ type: "failed", message: String(err instanceof Error ? err.stack : err) } satisfies FromChild);
    process.exit(1);
  });
}
