/**
 * What every part of `npm run bench` returns, and how the run reports it: a table on stdout and one JSON
 * file per run in bench/results/. Budgets live here, in the benchmark, never in unit tests.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Client } from "pg";

/** The checkout (tsc puts the bench in build/bench/bench/). */
export const ROOT = join(__dirname, "..", "..", "..");

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function onPostgres(statement: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query(statement);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function postgresAnswers(): Promise<boolean> {
  return onPostgres("select 1").then(
    () => true,
    () => false,
  );
}

export interface ScratchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own on the PostgreSQL server, dropped afterwards, or why there is none. Not a schema
 * in the test database: nothing of a test's or another part's is in it.
 */
export async function scratchPostgres(prefix: string): Promise<ScratchDatabase | string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  try {
    await onPostgres(`create database ${name}`);
  } catch (err) {
    return `no PostgreSQL answers at ${POSTGRES_URL} (${String(err)})`;
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onPostgres(`drop database if exists ${name} with (force)`) };
}

/**
 * The environment a part's in-process add-in server is configured from (`loadConfig`): development mode
 * with its data in `dir`, no pane build, a free port, info-level logs as in production.
 */
export function benchServerEnv(dir: string): NodeJS.ProcessEnv {
  return { ADDIN_MODE: "development", DATA_DIR: dir, STATIC_DIR: join(dir, "no-dist"), PORT: "0", LOG_LEVEL: "info" };
}

export interface Budget {
  /** What the budget says, in words: "≤ 140 KB gzip". */
  readonly text: string;
  readonly pass: boolean;
}

export interface Row {
  /** e.g. "first load, gzip" */
  readonly name: string;
  readonly value: number;
  /** "KB", "ms", "×", "req/s", "MB", "%" */
  readonly unit: string;
  readonly budget?: Budget;
  /** Anything worth reading beside the number (p95, the floor it was divided by, …). */
  readonly note?: string;
}

export interface Section {
  /** "1. Pane weight" */
  readonly title: string;
  readonly rows: readonly Row[];
  /** Set when the part could not run here (e.g. no PostgreSQL): printed instead of rows. */
  readonly skipped?: string;
  /** Raw figures kept in the JSON only. */
  readonly details?: unknown;
}

export interface BenchPart {
  readonly id: string;
  run(): Promise<Section>;
}

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

export function formatTable(sections: readonly Section[]): string {
  const lines: string[] = [];
  for (const s of sections) {
    lines.push("", s.title);
    if (s.skipped) {
      lines.push(`  skipped: ${s.skipped}`);
      continue;
    }
    const nameWidth = Math.max(20, ...s.rows.map((r) => r.name.length));
    for (const r of s.rows) {
      const value = `${r.value} ${r.unit}`;
      const budget = r.budget ? `${r.budget.pass ? "pass" : "MISS"}  (${r.budget.text})` : "";
      const note = r.note ? `  ${r.note}` : "";
      lines.push(`  ${pad(r.name, nameWidth)}  ${pad(value, 14)}  ${budget}${note}`);
    }
  }
  return lines.join("\n");
}

export function machine() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model ?? "unknown",
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function writeResults(dir: string, sections: readonly Section[], startedAt: Date): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  const budgets = sections.flatMap((s) => s.rows.filter((r) => r.budget).map((r) => ({ section: s.title, ...r })));
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: machine(),
        command: "npm run bench",
        allBudgetsMet: budgets.every((b) => b.budget!.pass),
        sections,
      },
      null,
      2,
    ),
  );
  return file;
}
