/**
 * The databases the store's tests run on: SQLite always, PostgreSQL at 127.0.0.1:5432 (database `test`)
 * when it answers — required in CI, skipped with a printed notice elsewhere. Each PostgreSQL use gets a
 * schema of its own, dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { openPostgres, openSqlite, type OpenedDatabase } from "../../src/server/store/database";

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let available: Promise<boolean> | null = null;

export function postgresAvailable(): Promise<boolean> {
  available ??= (async () => {
    const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("select 1");
      return true;
    } catch (err) {
      if (process.env.CI === "true") {
        throw new Error(`PostgreSQL is required in CI and did not answer at ${POSTGRES_URL}: ${String(err)}`);
      }
      process.stderr.write(`\n*** PostgreSQL tests skipped: nothing answers at ${POSTGRES_URL}. ***\n\n`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return available;
}

export interface TestDatabase {
  readonly url: string | null;
  readonly open: () => Promise<OpenedDatabase>;
  readonly drop: () => Promise<void>;
}

/** A fresh PostgreSQL schema; `open` may be called several times (replicas sharing one database). */
export async function postgresDatabase(): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = `${POSTGRES_URL}${POSTGRES_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url,
    open: () => openPostgres(url, 4),
    drop: async () => {
      const c = new Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

export async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), "store-"));
  return { url: null, open: () => openSqlite(join(dir, "store.sqlite")), drop: () => rm(dir, { recursive: true, force: true }) };
}

/** `describe` for each database that can be reached here. */
export const DIALECTS = [
  { name: "SQLite", make: sqliteDatabase, required: async () => true },
  { name: "PostgreSQL", make: postgresDatabase, required: postgresAvailable },
] as const;
