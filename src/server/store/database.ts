/**
 * Opens the store: a SQLite file (better-sqlite3, WAL) by default, PostgreSQL when DATABASE_URL is set —
 * the same Kysely code and the same migrations, which Kysely's migrator runs under its lock, so several
 * replicas starting at once migrate once.
 */
import { mkdirSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { type DatabaseConnection, type Driver, Kysely, PostgresDialect, sql, type SqliteDatabase, SqliteDialect, type Transaction } from "kysely";
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
 * The one SQLite connection's lock. Kysely's queries and transactions hold it (LockedSqliteDialect), and so
 * do the store's direct statements (RawSqlite): a statement never lands inside someone else's transaction.
 * Unlocking hands the lock to the next waiter in arrival order.
 */
export class ConnectionLock {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  tryLock(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  lock(): Promise<void> {
    if (this.tryLock()) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  unlock(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

/**
 * Kysely's SQLite dialect, whose connection is taken under the shared lock. (Kysely's own driver also has a
 * mutex, private to it; under this lock it is always free.)
 */
class LockedSqliteDialect extends SqliteDialect {
  constructor(
    config: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly lock: ConnectionLock,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const inner = super.createDriver();
    const lock = this.lock;
    return {
      init: () => inner.init(),
      async acquireConnection(): Promise<DatabaseConnection> {
        await lock.lock();
        try {
          return await inner.acquireConnection();
        } catch (err) {
          lock.unlock();
          throw err;
        }
      },
      beginTransaction: (connection, settings) => inner.beginTransaction(connection, settings),
      commitTransaction: (connection) => inner.commitTransaction(connection),
      rollbackTransaction: (connection) => inner.rollbackTransaction(connection),
      savepoint: (connection, name, compile) => inner.savepoint!(connection, name, compile),
      rollbackToSavepoint: (connection, name, compile) => inner.rollbackToSavepoint!(connection, name, compile),
      releaseSavepoint: (connection, name, compile) => inner.releaseSavepoint!(connection, name, compile),
      async releaseConnection(connection) {
        try {
          await inner.releaseConnection(connection);
        } finally {
          lock.unlock();
        }
      },
      destroy: () => inner.destroy(),
    };
  }
}

/**
 * The SQLite connection itself, for the store's hottest statements (a save, a read, a delivery's claim and
 * outcome). Through Kysely each costs more in building, compiling and promise hops than SQLite takes to run
 * it; here a prepared statement runs at once, under the connection's lock.
 */
export class RawSqlite {
  /** The write-ahead log, opened for fsync (never written through this descriptor). */
  private wal: Promise<FileHandle> | null = null;
  /** Who checkpoints the log (see WalCheckpointer); null for an in-memory database. */
  checkpointer: WalCheckpointer | null = null;

  constructor(
    private readonly cache: SqliteDatabase,
    readonly lock: ConnectionLock,
    /** The database file's write-ahead log; null for an in-memory database (nothing to make durable). */
    readonly walFile: string | null,
  ) {}

  /** The prepared statement for `text` (prepared once). Run it only inside `exclusive`. */
  statement(text: string): BetterSqlite3.Statement {
    return this.cache.prepare(text) as BetterSqlite3.Statement;
  }

  /** Runs `work` holding the connection: at once when it is free, after the current holder otherwise. */
  async exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    if (!this.lock.tryLock()) await this.lock.lock();
    try {
      return await work();
    } finally {
      this.lock.unlock();
    }
  }

  /** Runs `work` as one transaction, holding the connection throughout; a failure rolls it back and is rethrown. */
  async transaction<T>(work: () => T | Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.statement("begin").run();
      try {
        const value = await work();
        this.statement("commit").run();
        return value;
      } catch (err) {
        this.statement("rollback").run();
        throw err;
      }
    });
  }

  /**
   * Makes every transaction committed so far survive a power cut. Commits run under the connection's
   * synchronous=NORMAL (their frames are in the write-ahead log, in the operating system's cache); this
   * fsyncs the log — what synchronous=FULL does inside each commit, but on libuv's thread pool, after the
   * connection is released: the event loop and the next transaction go on while the disk flushes, instead
   * of the whole server waiting for it. fsync flushes the file, whichever descriptor asks, so every frame
   * written before the call is on disk when it returns; frames a checkpoint has meanwhile copied into the
   * database file were fsynced there by the checkpoint before the log could start over. A save is answered
   * only after this (GroupCommit's flush); if it fails, the save fails unacknowledged (though committed: the
   * pane's retry then meets its own version, as after a lost answer).
   */
  async syncLog(): Promise<void> {
    if (!this.walFile) return;
    this.wal ??= open(this.walFile, "r+");
    try {
      await (await this.wal).sync();
    } catch (err) {
      // Opened again next time (a descriptor that failed once is not trusted).
      const failed = this.wal;
      this.wal = null;
      await failed?.then((h) => h.close()).catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    const wal = this.wal;
    this.wal = null;
    await wal?.then((h) => h.close()).catch(() => undefined);
  }
}

/**
 * WAL checkpoints, on a thread of their own. SQLite's automatic checkpoint runs inside whichever commit
 * finds the log long: that commit copies the log's pages into the database file and fsyncs it, holding the
 * event loop for milliseconds (the slowest requests under load waited behind them). Here the connection's
 * automatic checkpoint is off, and a worker thread with its own connection checkpoints every
 * `CHECKPOINT_INTERVAL_MS` (PASSIVE: it never waits for, nor blocks, the server's reads and writes). The
 * server's next write after a complete checkpoint starts the log over, as it would after its own.
 * Should the worker stop unexpectedly, the connection's automatic checkpoint is turned back on.
 */
const CHECKPOINT_INTERVAL_MS = 100;

const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("synchronous = NORMAL");
let timer = null;
let last = -1;
const checkpoint = () => {
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    // Reported when it changed: frames in the log, and how many of them are in the database file.
    if (result && result.log !== last) parentPort.postMessage({ log: result.log, checkpointed: result.checkpointed });
    last = result ? result.log : -1;
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const run = () => {
  checkpoint();
  timer = setTimeout(run, workerData.intervalMs);
};
timer = setTimeout(run, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message === "now") {
    last = -1;
    checkpoint();
    return;
  }
  if (message !== "stop") return;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private stopping = false;
  private exited = false;
  /** Checkpoints the worker could not run (what it reported), for the logs and the tests. */
  readonly errors: string[] = [];
  /** The worker's last checkpoint: frames in the log, and how many of them are in the database file. */
  last: { log: number; checkpointed: number } | null = null;
  private readonly waiters: Array<(result: { log: number; checkpointed: number }) => void> = [];

  /** A checkpoint now, on the worker (tests). */
  checkpointNow(): Promise<{ log: number; checkpointed: number }> {
    const done = new Promise<{ log: number; checkpointed: number }>((resolve) => this.waiters.push(resolve));
    this.worker.postMessage("now");
    return done;
  }

  constructor(
    file: string,
    private readonly sqlite: BetterSqlite3.Database,
    /** The SQLite driver the worker loads (tests give a broken one). */
    driver: string = require.resolve("better-sqlite3"),
  ) {
    sqlite.pragma("wal_autocheckpoint = 0");
    this.worker = new Worker(CHECKPOINTER_SOURCE, {
      eval: true,
      workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS },
    });
    // The worker keeps no server alive by itself; close() stops it.
    this.worker.unref();
    this.worker.on("message", (message: { error?: string; log?: number; checkpointed?: number }) => {
      if (message.error) this.errors.push(message.error);
      if (message.log !== undefined) {
        this.last = { log: message.log, checkpointed: message.checkpointed ?? 0 };
        for (const waiter of this.waiters.splice(0)) waiter(this.last);
      }
    });
    const fallBack = () => {
      if (!this.stopping && this.sqlite.open) this.sqlite.pragma("wal_autocheckpoint = 1000");
    };
    this.worker.on("error", (err) => {
      this.errors.push(String(err));
      fallBack();
    });
    this.worker.on("exit", () => {
      this.exited = true;
      fallBack();
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.exited) return;
    const stopped = new Promise<void>((resolve) => {
      this.worker.on("message", (message: { stopped?: boolean }) => message.stopped && resolve());
      this.worker.once("exit", () => resolve());
    });
    this.worker.postMessage("stop");
    await stopped;
    await this.worker.terminate();
  }
}

/** The direct connection of a store opened by openSqlite, found from its Kysely instance. */
const RAW_CONNECTIONS = new WeakMap<Kysely<Database>, RawSqlite>();

export function rawSqliteOf(db: Kysely<Database>): RawSqlite | undefined {
  return RAW_CONNECTIONS.get(db);
}

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
  // is answered only once the WAL holding its commit is fsynced (a save: RawSqlite.syncLog after its group;
  // a policy: `durableTransaction`, under synchronous=FULL), so it survives a power cut too, which is the
  // promise the outbox makes.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const cache = withStatementCache(sqlite);
  const lock = new ConnectionLock();
  const db = new Kysely<Database>({ dialect: new LockedSqliteDialect({ database: cache }, lock) });
  const raw = new RawSqlite(cache, lock, file === ":memory:" ? null : `${file}-wal`);
  RAW_CONNECTIONS.set(db, raw);
  await migrateToLatest(db as Kysely<unknown>, "sqlite");
  const checkpointer = file === ":memory:" ? null : new WalCheckpointer(file, sqlite);
  raw.checkpointer = checkpointer;
  return {
    db,
    dialect: "sqlite",
    close: async () => {
      // The worker's connection first: the last connection to close checkpoints and removes the log.
      await checkpointer?.stop();
      await raw.close();
      await db.destroy();
    },
  };
}

export async function openPostgres(connectionString: string, poolSize = 10): Promise<OpenedDatabase> {
  const pool = new Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  // An idle connection that PostgreSQL ends (a restart, a failover, an administrator, `drop database … with
  // (force)`) is reported on the pool; unheard, that event would end the whole server. The pool has already
  // dropped the connection, and the next query opens a fresh one; a query in progress gets its own error.
  pool.on("error", () => undefined);
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
