/**
 * Opens the store: a SQLite file (better-sqlite3, WAL) by default, PostgreSQL when DATABASE_URL is set —
 * the same Kysely code and the same migrations, which Kysely's migrator runs under its lock, so several
 * replicas starting at once migrate once.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { Pool } from "pg";
import { migrateToLatest, type SqlDialect } from "./migrations";
import type { Database } from "./schema";

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  close(): Promise<void>;
}

export async function openSqlite(file: string): Promise<OpenedDatabase> {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  // WAL lets readers go on while a write commits; synchronous=FULL keeps an acknowledged save through a
  // power cut, which is the promise the outbox makes.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db as Kysely<unknown>, "sqlite");
  return { db, dialect: "sqlite", close: () => db.destroy() };
}

export async function openPostgres(connectionString: string, poolSize = 10): Promise<OpenedDatabase> {
  const pool = new Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, "postgres");
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, dialect: "postgres", close: () => db.destroy() };
}

export function openDatabase(config: { DATABASE_URL?: string | undefined; sqliteFile: string }): Promise<OpenedDatabase> {
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL) : openSqlite(config.sqliteFile);
}
