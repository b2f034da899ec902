/// <reference lib="dom" />
/**
 * Part 2 of `npm run bench`: time to usable in headless Chromium, against a floor.
 *
 * The add-in server (HTTPS, its embedded X3 emulator, SQLite in a temporary folder), in a process of its own as
 * in production (not sharing the bench's event loop with Playwright), serves a copy of the
 * production build (dist/, without source maps) plus bench/fixtures/floor.html: a static page with the same
 * 23 flags as plain checkboxes. Every load is cold: a new browser context (empty HTTP cache, no service
 * worker), the Office shim of the browser tests standing in for office.js, its roaming settings pre-filled
 * with the cache the pane itself wrote for the user at a warm-up load — so the first screen comes from
 * roaming settings, as in Outlook. No request is intercepted (Playwright's routes would send each of the
 * page's requests through this process): office.js's CDN host is mapped to the local server, which answers
 * it with an empty script, and the slow API is an HTTPS proxy that holds /api/ requests (delayingProxy.ts).
 *
 * Usable = the first animation frame in which the document holds the 23 flag inputs (`[data-flag] input`)
 * and, for the pane, each one's checked state is the user's flag. Measured in the page: performance.now()
 * (milliseconds since navigation start) in a requestAnimationFrame-polled check that starts as soon as the
 * navigation commits. The floor is measured the same way (23 inputs, nothing to compare).
 *
 * Three series of 20 loads, interleaved so that the machine's load weighs on each alike: the floor, the pane,
 * and the pane with every /api/ request held 2 s before it reaches the server (the first render must not
 * wait for the network). Budgets: pane median ≤ 2.5 × floor median, slow-API pane median ≤ 2.5 × floor.
 *
 * Then 10 more cold loads of the floor and of the pane under Chromium's tracing (not timed: tracing has a cost of
 * its own), for the renderer main thread's CPU time until usable. On two cores shared with the browser's other
 * processes, the server and the harness, the wall-clock ratio moves from run to run far more than the pane's
 * own work does; the thread time shows what a change to the pane did.
 */
import { fork } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { PANE_CACHE_KEY } from "../src/core/paneCache";
import { loadConfig } from "../src/server/config";
import { startAddinServer } from "../src/server/server";
import { launchChromium } from "../test/e2e/browser";
import { installOfficeShim, type ShimOptions } from "../test/e2e/officeShim";
import { startDelayingProxy } from "./delayingProxy";
import { type BenchPart, median, percentile, ROOT, type Row, round } from "./lib";


const LOADS = 20;
/** Cold loads of each page under Chromium's tracing, for the main thread's CPU time (not timed). */
const TRACED_LOADS = 10;
/** Few categories: the tracing's own cost stays small. "toplevel" has each task with its thread time. */
const TRACE_CATEGORIES = ["toplevel", "blink.user_timing", "devtools.timeline"];
const API_DELAY_MS = 2000;
const RATIO_BUDGET = 2.5;
const FLAG_COUNT = 23;

const SHIM: Omit<ShimOptions, "settings"> = { email: "jsmith@contoso.com", displayName: "John Smith", displayLanguage: "en-US", dark: false };

/**
 * Runs in the page (serialized by Playwright, so it sees only its argument): resolves with the time since
 * navigation start of the first animation frame in which the 23 flag inputs are there, with the expected checked
 * states when given, and sets the user-timing mark `arg.mark` (USABLE_MARK) at that moment.
 */
function whenUsable(arg: { count: number; expected: Record<string, boolean> | null; mark: string }): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      const inputs = Array.from(document.querySelectorAll<HTMLInputElement>("[data-flag] input"));
      const ready =
        inputs.length === arg.count &&
        (!arg.expected ||
          inputs.every((input) => {
            const code = input.closest("[data-flag]")?.getAttribute("data-flag") ?? "";
            return arg.expected![code] === input.checked;
          }));
      if (ready) {
        // The mark puts the moment in a trace too, on the page's main thread: see mainThreadCpu.
        resolve(performance.mark(arg.mark).startTime);
      }
      else requestAnimationFrame(check);
    };
    check();
  });
}

interface Series {
  readonly name: string;
  readonly times: number[];
}

/** What the page's main thread did until the page was usable, from a Chromium trace. */
export interface MainThreadCpu {
  /** Thread time (CPU, not wall) of the renderer main thread's tasks from navigation start to usable, ms. */
  readonly cpu: number;
  /** Wall time of the same tasks, ms: the difference is time the thread waited for a core. */
  readonly wall: number;
  /** Thread time of the longest call into the pane's React chunk (the first render and commit), ms; 0 for the floor. */
  readonly render: number;
}

export interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { name?: string; data?: { url?: string } };
}

/** The user-timing mark whenUsable sets in the page at the moment it is usable. */
export const USABLE_MARK = "bench-usable";

/** A trace without whenUsable's mark: the page set it, but the trace did not keep it. */
export class NoUsableMark extends Error {
  constructor() {
    super(`the trace has no ${USABLE_MARK} mark: was blink.user_timing traced?`);
  }
}

/**
 * A traced load, again when its trace came without the usable mark, at most `attempts` loads in all. Chromium
 * now and then leaves the mark out of a load's trace (seen once in about 60 traced loads, the page usable and
 * the mark set); one such trace used to end the whole part. Any other failure is passed on at once.
 */
export async function withUsableMark<T>(attempts: number, tracedLoad: () => Promise<T>, onMissing: () => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tracedLoad();
    } catch (error) {
      if (!(error instanceof NoUsableMark) || attempt >= attempts) throw error;
      onMissing();
    }
  }
}

/**
 * The renderer main thread's work in a trace of one load, from navigation start to usable: the sum of its
 * top-level tasks' thread time (`tdur`) and wall time (`dur`), and the longest task calling into the React chunk.
 *
 * The page's main thread and the moment it became usable come from whenUsable's mark; navigation start is
 * `usableMs` before it (the mark's time is milliseconds since navigation start). Chromium's own navigationStart
 * event is not used: the new tab's empty document writes one too, and the page's renderer, started before the
 * tracing reached it, sometimes writes none.
 */
export function mainThreadCpu(events: readonly TraceEvent[], usableMs: number): MainThreadCpu {
  const key = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  const mark = events.find((e) => e.name === USABLE_MARK);
  if (!mark) throw new NoUsableMark();
  const main = key(mark);
  const start = mark.ts - usableMs * 1000;
  const during = (e: TraceEvent) => key(e) === main && e.ph === "X" && e.ts >= start && e.ts <= mark.ts;
  const tasks = events.filter((e) => during(e) && e.name === "ThreadControllerImpl::RunTask");
  const sum = (f: (e: TraceEvent) => number) => tasks.reduce((total, e) => total + f(e), 0) / 1000;
  const renders = events.filter((e) => during(e) && e.name === "FunctionCall" && /\/react\.[0-9a-f]+\.js/.test(e.args?.data?.url ?? ""));
  return {
    cpu: sum((e) => e.tdur ?? 0),
    wall: sum((e) => e.dur ?? 0),
    render: renders.reduce((longest, e) => Math.max(longest, e.tdur ?? 0), 0) / 1000,
  };
}

interface ServerReady {
  readonly url: string;
  readonly slowApiUrl: string;
}

/**
 * The add-in server and the slow-API proxy, in a process of their own (this file, with `--pane-server-child`):
 * in the bench's process they would share its event loop with Playwright, which handles a message for every
 * request of every page — the pane makes six requests to the floor's one, so that weighed on the pane alone.
 */
async function runServerChild(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-load-"));
  const site = join(dir, "site");
  cpSync(join(ROOT, "dist"), site, { recursive: true, filter: (src) => !src.endsWith(".map") });
  cpSync(join(ROOT, "bench", "fixtures", "floor.html"), join(site, "floor.html"));
  // office.js's address on Microsoft's CDN is mapped to this server (Chromium's host resolver rules), which
  // answers it at once from this file, as a cached office.js would be: the Office shim stands in for it.
  mkdirSync(join(site, "lib", "1", "hosted"), { recursive: true });
  writeFileSync(join(site, "lib", "1", "hosted", "office.js"), "/* office.js: see the bench's Office shim */\n");
  const config = loadConfig({ PORT: "0", X3_EMULATOR_PORT: "0", DATA_DIR: dir, STATIC_DIR: site, LOG_LEVEL: "silent" }, dir);
  process.env.X3_EMULATOR_DATA = join(dir, "x3-emulator.json");
  const server = await startAddinServer(config, { officeCertsFolder: null, logger: false });
  const slowApi = await startDelayingProxy(server.url, API_DELAY_MS, server.tls!);
  process.once("message", () => {
    void (async () => {
      await slowApi.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
  process.send!({ url: server.url, slowApiUrl: slowApi.url } satisfies ServerReady);
}

async function startServerChild(): Promise<ServerReady & { stop(): Promise<void> }> {
  const child = fork(__filename, ["--pane-server-child"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once("message", (m) => resolve(m as ServerReady));
    child.once("exit", (code) => reject(new Error(`the pane's server process ended (${code})`)));
  });
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send("stop");
      }),
  };
}

export const part: BenchPart = {
  id: "load",
  async run() {
    const server = await startServerChild();
    let browser: Browser | undefined;
    try {
      // No request interception (Playwright's routes send every request of the page through this process):
      // the CDN's host is resolved to the local server instead.
      browser = await launchChromium([`--host-resolver-rules=MAP appsforoffice.microsoft.com ${new URL(server.url).host}`]);
      const b = browser;
      const paneContext = (): Promise<BrowserContext> =>
        b.newContext({ ignoreHTTPSErrors: true, viewport: { width: 320, height: 900 }, reducedMotion: "reduce" });

      // Warm-up (not measured): the pane loads the user from the server and writes its roaming cache.
      let roaming: Record<string, unknown> = {};
      const warm = await paneContext();
      await warm.exposeFunction("__saveRoaming", (json: string) => {
        roaming = JSON.parse(json) as Record<string, unknown>;
      });
      const warmPage = await warm.newPage();
      await warmPage.addInitScript(installOfficeShim, { ...SHIM, settings: {} });
      await warmPage.goto(`${server.url}/taskpane.html`);
      const deadline = Date.now() + 30_000;
      while (!(roaming[PANE_CACHE_KEY] as { flags?: unknown } | undefined)?.flags) {
        if (Date.now() > deadline) throw new Error("the pane did not write its roaming cache within 30 s");
        await new Promise((r) => setTimeout(r, 50));
      }
      await warm.close();
      const expected = (roaming[PANE_CACHE_KEY] as { flags: Record<string, boolean> }).flags;
      if (Object.keys(expected).length !== FLAG_COUNT) throw new Error(`the roaming cache holds ${Object.keys(expected).length} flags`);

      /**
       * One cold load in a fresh context: milliseconds from navigation start to usable, and with `traced`, the main
       * thread's work until then (the tracing's own cost makes such a load's time not comparable: it is not kept).
       */
      const load = async (path: string, options: { pane: boolean; slowApi: boolean; traced?: boolean }): Promise<{ usable: number; trace: MainThreadCpu | null }> => {
        const context: BrowserContext = await paneContext();
        try {
          if (options.pane) await context.exposeFunction("__saveRoaming", async () => undefined);
          const page = await context.newPage();
          if (options.pane) await page.addInitScript(installOfficeShim, { ...SHIM, settings: roaming });
          if (options.traced) await b.startTracing(page, { categories: TRACE_CATEGORIES });
          await page.goto(`${options.slowApi ? server.slowApiUrl : server.url}${path}`, { waitUntil: "commit" });
          const usable = await Promise.race([
            page.evaluate(whenUsable, { count: FLAG_COUNT, expected: options.pane ? expected : null, mark: USABLE_MARK }),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${path} was not usable within 30 s`)), 30_000)),
          ]);
          if (!options.traced) return { usable, trace: null };
          const { traceEvents } = JSON.parse((await b.stopTracing()).toString("utf8")) as { traceEvents: TraceEvent[] };
          return { usable, trace: mainThreadCpu(traceEvents, usable) };
        } finally {
          await context.close();
        }
      };

      const floor: Series = { name: "floor: static page, 23 checkboxes", times: [] };
      const pane: Series = { name: "pane (first screen from roaming settings)", times: [] };
      const slow: Series = { name: `pane, API delayed ${API_DELAY_MS / 1000} s`, times: [] };
      for (let i = 0; i < LOADS; i++) {
        floor.times.push((await load("/floor.html", { pane: false, slowApi: false })).usable);
        pane.times.push((await load("/taskpane.html", { pane: true, slowApi: false })).usable);
        slow.times.push((await load("/taskpane.html", { pane: true, slowApi: true })).usable);
      }
      // The wall-clock ratio moves with whatever else takes the two cores during a load; the main thread's CPU
      // time moves much less, so it shows what a change to the pane did (no budget: the is the ratio).
      const traced: { floor: MainThreadCpu[]; pane: MainThreadCpu[]; tracesWithoutMark: number } = { floor: [], pane: [], tracesWithoutMark: 0 };
      const tracedLoad = async (path: string, pane: boolean) =>
        withUsableMark(3, async () => (await load(path, { pane, slowApi: false, traced: true })).trace!, () => (traced.tracesWithoutMark += 1));
      for (let i = 0; i < TRACED_LOADS; i++) {
        traced.floor.push(await tracedLoad("/floor.html", false));
        traced.pane.push(await tracedLoad("/taskpane.html", true));
      }
      const cpuRow = (name: string, series: readonly MainThreadCpu[], withRender: boolean): Row => ({
        name,
        value: round(median(series.map((t) => t.cpu))),
        unit: "ms",
        note:
          `main thread's CPU (Chromium trace thread time) until usable, median of ${series.length} traced cold loads; ` +
          `its wall time ${round(median(series.map((t) => t.wall)))} ms` +
          (withRender ? `; first render and commit ${round(median(series.map((t) => t.render)))} ms of CPU` : ""),
      });

      const floorMedian = median(floor.times);
      const timeRow = (s: Series): Row => ({
        name: `${s.name}, median`,
        value: round(median(s.times)),
        unit: "ms",
        note: `p95 ${round(percentile(s.times, 95))} ms over ${s.times.length} cold loads`,
      });
      const ratioRow = (s: Series, name: string): Row => {
        const ratio = median(s.times) / floorMedian;
        return {
          name,
          value: round(ratio, 2),
          unit: "×",
          budget: { text: `≤ ${RATIO_BUDGET} × floor (medians)`, pass: ratio <= RATIO_BUDGET },
          note: `p95 ratio ${round(percentile(s.times, 95) / percentile(floor.times, 95), 2)}`,
        };
      };
      return {
        title: "2. Time to usable (navigation start → the 23 flags on screen; headless Chromium, cold loads)",
        rows: [
          timeRow(floor),
          timeRow(pane),
          timeRow(slow),
          ratioRow(pane, "pane / floor"),
          ratioRow(slow, "pane with slow API / floor"),
          cpuRow("floor: main-thread CPU", traced.floor, false),
          cpuRow("pane: main-thread CPU", traced.pane, true),
        ],
        details: { loads: LOADS, apiDelayMs: API_DELAY_MS, floor: floor.times, pane: pane.times, paneSlowApi: slow.times, traced },
      };
    } finally {
      await browser?.close();
      await server.stop();
    }
  },
};

if (require.main === module && process.argv.includes("--pane-server-child")) {
  runServerChild().catch((err: unknown) => {
    process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
    process.exit(1);
  });
}
