/**
 * Opens the store: a SQLite file (better-sqlite3, WAL) by default, PostgreSQL when DATABASE_URL is set —
 * the same Kysely code and the same migrations, which Kysely's migrator runs under its lock, so several
 * replicas starting at once migrate once.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, sql, type SqliteDatabase, SqliteDialect, type Transaction } from "kysely";
import { Pool } from "pg";
import { migrateToLatest, type SqlDialect } from "./migrations";
import type { Database } from "./schema";

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  close(): Promise<void>;
}

/** Prepared statements kept, by SQL text: the queries are a few dozen shapes, their parameters vary. */
const STATEMENT_CACHE_SIZE = 200;

/**
 * Kysely prepares every query afresh, and preparing costs more than running these small queries. The
 * same SQL text gets the same prepared statement back (parameters are bound at each run). Safe because
 * Kysely runs a statement to completion at once (all/run) and the store never streams a query.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statement = sqlite.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

export async function openSqlite(file: string): Promise<OpenedDatabase> {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  // WAL lets readers go on while a write commits. With WAL, every commit has written its pages to the
  // operating system before it returns, so any committed transaction survives the process being killed
  // (SIGKILL, a crash): only power loss or an OS crash can lose what was not yet fsynced.
  // synchronous=NORMAL, the connection's default here, fsyncs at checkpoints only: the bookkeeping writes
  // (delivery leases and outcomes, X3 confirmations, known users) may roll back on power loss, and are
  // then redone (a delivery is idempotent and retried). A transaction that acknowledges a user's change
  // runs through `durableTransaction`, under synchronous=FULL: its commit fsyncs the WAL, so it survives
  // a power cut too, which is the promise the outbox makes.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
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

/**
 * Runs `work` as one transaction whose commit survives power loss: on SQLite, under synchronous=FULL
 * for that commit (the connection is held, so no other statement runs in between), then back to NORMAL;
 * PostgreSQL's commits are durable already (synchronous_commit stays on).
 */
export function durableTransaction<T>(db: Kysely<Database>, dialect: SqlDialect, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (dialect !== "sqlite") return db.transaction().execute(work);
  return db.connection().execute(async (connection) => {
    await sql`pragma synchronous = FULL`.execute(connection);
    try {
      return await connection.transaction().execute(work);
    } finally {
      await sql`pragma synchronous = NORMAL`.execute(connection);
    }
  });
}

export function openDatabase(config: { DATABASE_URL?: string | undefined; sqliteFile: string }): Promise<OpenedDatabase> {
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL) : openSqlite(config.sqliteFile);
}
