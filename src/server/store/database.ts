/**
 * Opens the store: a SQLite file (better-sqlite3, WAL) by default. PostgreSQL joins through the same
 * Kysely interface and the same migrations.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
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
