/**
 * The setup repository: current setup and version, history, outbox and the last known X3 identities.
 * A setup's write, its history entry and its outbox row commit in one transaction, so an acknowledged
 * save is never without the delivery that will carry it to X3.
 */
import { type Insertable, type Kysely, type Selectable, sql, type Transaction, type Updateable } from "kysely";
import { changedFlags, FLAG_CODES, type FlagCode, type Flags } from "../../core/flags";
import { EMPTY_POLICY, lockViolations, type Policy, PolicySchema } from "../../core/policy";
import { type ChangeSource, type Delivery, FlagsSchema, type HistoryEntry, type X3User } from "../../core/setup";
import { durableTransaction, type RawSqlite, rawSqliteOf } from "./database";
import { GroupCommit } from "./groupCommit";
import type { SqlDialect } from "./migrations";
import type { Database, HistoryTable, OutboxTable, PolicyTable, SetupTable, X3DirectoryTable } from "./schema";

export interface StoredSetup {
  readonly userCode: string;
  readonly flags: Flags;
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly source: ChangeSource;
  /** When X3 last held these flags (read back from X3, or delivered to it). */
  readonly x3ConfirmedAt: string | null;
}

export interface StoredPolicy {
  readonly policy: Policy;
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface FlagChange {
  readonly code: FlagCode;
  readonly from: boolean;
  readonly to: boolean;
}

export interface SaveRequest {
  readonly userCode: string;
  readonly flags: Flags;
  /** The version the writer started from (0: no setup stored yet). */
  readonly expectedVersion: number;
  /** The flags the change is measured against when nothing is stored yet (X3's row or the defaults). */
  readonly baseline: Flags;
  readonly actor: string;
  readonly source: ChangeSource;
  /** True when X3 must be sent this version; false when the version came from X3 itself. */
  readonly deliver: boolean;
  /**
   * Refuse flags against a company lock, checked against the policy as it is when this save commits:
   * the policy row is read under a shared lock, so a policy change waits for this save and then sees it.
   */
  readonly checkLocks?: boolean;
}

/** `policy`: the company policy the save was checked against, when it was (`checkLocks`). */
export type SaveResult =
  | { readonly ok: true; readonly setup: StoredSetup; readonly changes: readonly FlagChange[]; readonly policy?: Policy }
  | { readonly ok: false; readonly reason: "version"; readonly current: StoredSetup | null; readonly policy?: Policy }
  | { readonly ok: false; readonly reason: "locked"; readonly violations: readonly FlagCode[]; readonly policy: Policy };

/** A user's stored setup and the delivery state of its latest version, read together. */
export interface SetupSnapshot {
  readonly setup: StoredSetup | null;
  readonly delivery: Delivery;
}

export interface OutboxItem {
  readonly id: number;
  readonly userCode: string;
  readonly version: number;
  readonly flags: Flags;
  readonly attempts: number;
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The outbox's bookkeeping on SQLite (a delivery's claim, an attempt's outcome): statements on SQLite's
 * connection that ride in the saves' next group transaction (see SetupStore.bookkeeping).
 */
interface Bookkeeping {
  readonly bookkeeping: () => unknown;
}

type StoreWrite = SaveRequest | Bookkeeping;

const isBookkeeping = (write: StoreWrite): write is Bookkeeping => "bookkeeping" in write;

type Awaitable<T> = T | Promise<T>;

/**
 * The flags of a stored row: read on every request, so the exact shape (the 23 codes, each a boolean) is
 * checked by hand; anything else goes through the schema, for its error.
 */
function parseFlags(json: string): Flags {
  const value: unknown = JSON.parse(json);
  return isFlagSet(value) ? value : FlagsSchema.parse(value);
}

function isFlagSet(value: unknown): value is Flags {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (Object.keys(value).length !== FLAG_CODES.length) return false;
  const record = value as Record<string, unknown>;
  return FLAG_CODES.every((code) => typeof record[code] === "boolean");
}

/**
 * The statements of one save, on the connection its transaction holds: through Kysely (any database), or
 * straight on SQLite's connection (RawSqlite), where Kysely's building and compiling would cost more than
 * SQLite takes to run them. One save logic (SetupStore.saveIn) runs on either.
 */
interface SaveStatements {
  /** The policy row, under a shared lock on PostgreSQL (a policy change waits for this save). */
  policy(): Awaitable<Selectable<PolicyTable> | undefined>;
  setup(userCode: string): Awaitable<Selectable<SetupTable> | undefined>;
  /** Compare-and-set on the version; the number of rows written (0 or 1). */
  updateSetup(row: Selectable<SetupTable>, expectedVersion: number): Awaitable<number>;
  /** Unless the user has a row already; the number of rows written (0 or 1). */
  insertSetup(row: Selectable<SetupTable>): Awaitable<number>;
  /**
   * A new version's history entry and outbox row, any undelivered older version of the user superseded
   * (a newer version makes it pointless: X3 only needs the latest full set).
   */
  recordVersion(history: Insertable<HistoryTable>, outbox: Insertable<OutboxTable>): Awaitable<unknown>;
  savepoint(): Awaitable<unknown>;
  releaseSavepoint(): Awaitable<unknown>;
  rollbackToSavepoint(): Awaitable<unknown>;
}

/**
 * The policy row is read once per transaction: a group's saves are all checked against the same policy
 * (a policy change is a transaction of its own, before or after the group's).
 */
function policyOncePer<T extends SaveStatements>(statements: T): T {
  let row: ReturnType<SaveStatements["policy"]> | undefined;
  return { ...statements, policy: () => (row ??= statements.policy()) };
}

function kyselyStatements(trx: Transaction<Database>, dialect: SqlDialect): SaveStatements {
  return policyOncePer({
    policy: () => {
      const q = trx.selectFrom("policy").selectAll().where("id", "=", 1);
      return (dialect === "postgres" ? q.forShare() : q).executeTakeFirst();
    },
    setup: (userCode) => trx.selectFrom("setup").selectAll().where("user_code", "=", userCode).executeTakeFirst(),
    updateSetup: async ({ user_code, ...values }, expectedVersion) =>
      Number(
        (
          await trx
            .updateTable("setup")
            .set(values)
            .where("user_code", "=", user_code)
            .where("version", "=", expectedVersion)
            .executeTakeFirst()
        ).numUpdatedRows,
      ),
    insertSetup: async (row) =>
      Number(
        (await trx.insertInto("setup").values(row).onConflict((oc) => oc.column("user_code").doNothing()).executeTakeFirst())
          .numInsertedOrUpdatedRows ?? 0n,
      ),
    recordVersion: async (history, outbox) => {
      const supersede = trx
        .updateTable("outbox")
        .set({ state: "superseded", next_attempt_at: history.at })
        .where("user_code", "=", history.user_code)
        .where("state", "=", sql.lit("pending"));
      if (dialect === "postgres") {
        // One statement, one round trip instead of three (the pg client's socket writes were a third of a
        // save's CPU). Every part sees the rows as they were before it: the new outbox row is not superseded.
        await trx
          .with("h", (db) => db.insertInto("history").values(history))
          .with("s", () => supersede)
          .insertInto("outbox")
          .values(outbox)
          .execute();
        return;
      }
      await trx.insertInto("history").values(history).execute();
      await supersede.execute();
      await trx.insertInto("outbox").values(outbox).execute();
    },
    savepoint: () => sql`savepoint group_write`.execute(trx),
    releaseSavepoint: () => sql`release savepoint group_write`.execute(trx),
    rollbackToSavepoint: async () => {
      await sql`rollback to savepoint group_write`.execute(trx);
      await sql`release savepoint group_write`.execute(trx);
    },
  });
}

const SETUP_COLUMNS = "user_code, flags, version, updated_at, updated_by, source, x3_confirmed_at";
const OUTBOX_COLUMNS =
  "user_code, version, flags, state, attempts, created_at, next_attempt_at, last_attempt_at, delivered_at, message, lease_owner, lease_until";

/** SaveStatements straight on SQLite's connection; only ever run under its lock, inside a transaction. */
function sqliteStatements(raw: RawSqlite): SaveStatements {
  const one = <T>(text: string, ...params: unknown[]) => raw.statement(text).get(...params) as T | undefined;
  const run = (text: string, ...params: unknown[]) => raw.statement(text).run(...params).changes;
  return {
    policy: () => one<Selectable<PolicyTable>>("select * from policy where id = 1"),
    setup: (userCode) => one<Selectable<SetupTable>>("select * from setup where user_code = ?", userCode),
    updateSetup: (r, expectedVersion) =>
      run(
        "update setup set flags = ?, version = ?, updated_at = ?, updated_by = ?, source = ?, x3_confirmed_at = ? where user_code = ? and version = ?",
        r.flags, r.version, r.updated_at, r.updated_by, r.source, r.x3_confirmed_at, r.user_code, expectedVersion,
      ),
    insertSetup: (r) =>
      run(
        `insert into setup (${SETUP_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?) on conflict (user_code) do nothing`,
        r.user_code, r.flags, r.version, r.updated_at, r.updated_by, r.source, r.x3_confirmed_at,
      ),
    recordVersion: (h, r) => {
      run("insert into history (user_code, version, at, actor, source, changes) values (?, ?, ?, ?, ?, ?)", h.user_code, h.version, h.at, h.actor, h.source, h.changes);
      run("update outbox set state = 'superseded', next_attempt_at = ? where user_code = ? and state = 'pending'", h.at, h.user_code);
      return run(
        `insert into outbox (${OUTBOX_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        r.user_code, r.version, r.flags, r.state, r.attempts ?? 0, r.created_at, r.next_attempt_at, r.last_attempt_at ?? null,
        r.delivered_at ?? null, r.message ?? null, r.lease_owner ?? null, r.lease_until ?? null,
      );
    },
    savepoint: () => run("savepoint group_write"),
    releaseSavepoint: () => run("release savepoint group_write"),
    rollbackToSavepoint: () => {
      run("rollback to savepoint group_write");
      run("release savepoint group_write");
    },
  };
}

export class SetupStore {
  /** The last policy document read, and what it parsed to. */
  private parsedPolicy: { readonly document: string; readonly policy: Policy } | null = null;
  /**
   * On SQLite, saves arriving while one commits are written together in the next transaction (see
   * GroupCommit), and the outbox's bookkeeping with them. (PostgreSQL's saves do not go through it: see `save`.)
   */
  readonly writes: GroupCommit<SaveStatements, StoreWrite, unknown>;
  /** SQLite's connection for the hot statements, when the store is on SQLite (see RawSqlite). */
  private readonly raw: RawSqlite | undefined;
  /** The store's statements straight on SQLite's connection (run them under `raw.exclusive`). */
  private readonly direct: SaveStatements | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect = "sqlite",
    private readonly now: () => Date = () => new Date(),
  ) {
    const raw = dialect === "sqlite" ? rawSqliteOf(db) : undefined;
    this.raw = raw;
    const direct = raw ? sqliteStatements(raw) : undefined;
    this.direct = direct;
    this.writes = new GroupCommit<SaveStatements, StoreWrite, unknown>(
      raw && direct
        ? (work) => raw.transaction(() => work(policyOncePer(direct)))
        : (work) => durableTransaction(db, dialect, (trx) => work(kyselyStatements(trx, dialect))),
      async (st, write) => (isBookkeeping(write) ? write.bookkeeping() : this.saveIn(st, write)),
      { begin: (st) => st.savepoint(), release: (st) => st.releaseSavepoint(), rollback: (st) => st.rollbackToSavepoint() },
      {
        // On SQLite the commit runs under NORMAL and the log is fsynced after it (see RawSqlite.syncLog).
        durable: raw ? () => raw.syncLog() : null,
        // The bookkeeping was never fsynced on its own either: its caller is answered at the commit.
        waitsForFlush: (write) => !isBookkeeping(write),
      },
    );
  }

  /**
   * The outbox's bookkeeping on SQLite, in the saves' next group transaction rather than a transaction of its
   * own: on Monday morning a delivery's claim and its outcome were two commits (WAL frames and file locks) for
   * each save's one shared. Answered once that transaction has committed, under NORMAL as before: a claim or
   * an outcome lost in a power cut only makes a delivery happen again, which writes the same full flag set.
   */
  private bookkeeping<T>(work: (raw: RawSqlite) => T): Promise<T> {
    const raw = this.raw!;
    return this.writes.submit({ bookkeeping: () => work(raw) }) as Promise<T>;
  }

  async get(userCode: string, db: Db = this.db): Promise<StoredSetup | null> {
    const row =
      this.raw && this.direct && db === this.db
        ? await this.raw.exclusive(() => this.direct!.setup(userCode))
        : await db.selectFrom("setup").selectAll().where("user_code", "=", userCode).executeTakeFirst();
    return row ? storedSetupOf(row) : null;
  }

  /**
   * Writes a new version when `expectedVersion` is still current (compare-and-set, so it holds on any
   * database and with several server replicas); otherwise returns what is current. Resolves once the
   * transaction holding the write has committed.
   *
   * On SQLite, concurrent saves share that transaction (GroupCommit): one connection, one writer, one fsync
   * for the group. On PostgreSQL each save is a transaction of its own, run concurrently on the pool's
   * connections: a group there was one connection's round trips one after another (~8 a save) while the
   * pool's other connections stood idle, and PostgreSQL already lets concurrent commits share a WAL flush.
   * Saves of different users touch different rows; two saves of one user meet at the setup row's lock, and
   * the one that waited finds the version changed (its compare-and-set answers "version", as in a group).
   */
  save(req: SaveRequest): Promise<SaveResult> {
    if (this.dialect === "postgres") return durableTransaction(this.db, this.dialect, (trx) => this.saveIn(kyselyStatements(trx, this.dialect), req));
    return this.writes.submit(req) as Promise<SaveResult>;
  }

  /** One save's statements: the setup, its history entry and its outbox row, in the caller's transaction. */
  private async saveIn(st: SaveStatements, req: SaveRequest): Promise<SaveResult> {
    let policy: Policy | undefined;
    if (req.checkLocks) {
      policy = this.policyOf(await st.policy()).policy;
      const violations = lockViolations(req.flags, policy.locks);
      if (violations.length) return { ok: false, reason: "locked", violations, policy };
    }
    const currentRow = await st.setup(req.userCode);
    const current = currentRow ? storedSetupOf(currentRow) : null;
    if ((current?.version ?? 0) !== req.expectedVersion) return { ok: false, reason: "version", current, ...(policy ? { policy } : {}) };

    const at = this.now().toISOString();
    const version = req.expectedVersion + 1;
    const flagsJson = JSON.stringify(req.flags);
    // A version taken from X3 is confirmed by X3 as it is written.
    const confirmedAt = req.deliver ? null : at;
    const row: Selectable<SetupTable> = {
      user_code: req.userCode,
      flags: flagsJson,
      version,
      updated_at: at,
      updated_by: req.actor,
      source: req.source,
      x3_confirmed_at: confirmedAt,
    };
    const written = current ? await st.updateSetup(row, req.expectedVersion) : await st.insertSetup(row);
    if (written !== 1) {
      const now = await st.setup(req.userCode);
      return { ok: false, reason: "version", current: now ? storedSetupOf(now) : null, ...(policy ? { policy } : {}) };
    }

    const before = current?.flags ?? req.baseline;
    const changes = changedFlags(before, req.flags).map((code) => ({
      code,
      from: before[code],
      to: req.flags[code],
    }));
    await st.recordVersion(
      {
        user_code: req.userCode,
        version,
        at,
        actor: req.actor,
        source: req.source,
        changes: JSON.stringify(changes),
      },
      {
        user_code: req.userCode,
        version,
        lease_owner: null,
        lease_until: null,
        flags: flagsJson,
        state: req.deliver ? "pending" : "delivered",
        attempts: 0,
        created_at: at,
        next_attempt_at: at,
        last_attempt_at: null,
        delivered_at: req.deliver ? null : at,
        message: null,
      },
    );

    const setup: StoredSetup = {
      userCode: req.userCode,
      flags: req.flags,
      version,
      updatedAt: at,
      updatedBy: req.actor,
      source: req.source,
      x3ConfirmedAt: confirmedAt,
    };
    return { ok: true, setup, changes, ...(policy ? { policy } : {}) };
  }

  /** The user's setup and its delivery state (one statement on SQLite). */
  async snapshot(userCode: string): Promise<SetupSnapshot> {
    if (!this.raw) {
      const [setup, delivery] = await Promise.all([this.get(userCode), this.delivery(userCode)]);
      return { setup, delivery };
    }
    const raw = this.raw;
    const row = await raw.exclusive(
      () =>
        raw
          .statement(
            `select s.*, o.id as o_id, o.version as o_version, o.state as o_state, o.delivered_at as o_delivered_at,
                    o.last_attempt_at as o_last_attempt_at, o.next_attempt_at as o_next_attempt_at, o.message as o_message
             from (select ? as code) as u
             left join setup as s on s.user_code = u.code
             left join outbox as o on o.id = (select id from outbox where user_code = u.code order by version desc limit 1)`,
          )
          .get(userCode) as Partial<Selectable<SetupTable>> & {
          o_id: number | null;
          o_version: number;
          o_state: OutboxTable["state"];
          o_delivered_at: string | null;
          o_last_attempt_at: string | null;
          o_next_attempt_at: string;
          o_message: string | null;
        },
    );
    return {
      setup: row.user_code ? storedSetupOf(row as Selectable<SetupTable>) : null,
      delivery: deliveryOf(
        row.o_id === null
          ? undefined
          : {
              state: row.o_state,
              version: row.o_version,
              delivered_at: row.o_delivered_at,
              last_attempt_at: row.o_last_attempt_at,
              next_attempt_at: row.o_next_attempt_at,
              message: row.o_message,
            },
      ),
    };
  }

  /** The delivery state of a user's latest version. */
  async delivery(userCode: string): Promise<Delivery> {
    const row = this.raw
      ? await this.raw.exclusive(
          () => this.raw!.statement("select * from outbox where user_code = ? order by version desc limit 1").get(userCode) as Selectable<OutboxTable> | undefined,
        )
      : await this.db.selectFrom("outbox").selectAll().where("user_code", "=", userCode).orderBy("version", "desc").limit(1).executeTakeFirst();
    return deliveryOf(row);
  }

  /** Users with a delivery due and none in flight: what a sweep offers to deliver. */
  async dueUsers(limit: number): Promise<string[]> {
    const now = this.now().toISOString();
    const rows = await this.db
      .selectFrom("outbox as o")
      .select("o.user_code")
      .where("o.state", "=", sql.lit("pending"))
      .where("o.next_attempt_at", "<=", now)
      .where((eb) => eb.or([eb("o.lease_until", "is", null), eb("o.lease_until", "<=", now)]))
      .groupBy("o.user_code")
      .orderBy((eb) => eb.fn.min("o.id"))
      .limit(limit)
      .execute();
    return rows.map((r) => r.user_code);
  }

  /**
   * Takes a user's due delivery for `leaseMs`, unless another worker holds one of that user's rows:
   * one delivery per user at a time keeps SYNCPAR writes in version order across replicas. One statement
   * (an UPDATE of the row a subquery picks, RETURNING it), so a claim costs one round trip rather than
   * four. On PostgreSQL the subquery locks its row FOR UPDATE SKIP LOCKED and the UPDATE re-checks the
   * row's lease, so two replicas never take the same row; a crashed worker's lease simply runs out. On
   * SQLite the statement rides in the saves' next group transaction (`bookkeeping`).
   */
  async claimDue(userCode: string, owner: string, leaseMs: number): Promise<OutboxItem | null> {
    const now = this.now();
    const nowIso = now.toISOString();
    if (this.raw) {
      const row = await this.bookkeeping(
        (raw) =>
          raw
            .statement(
              `update outbox set lease_owner = ?, lease_until = ?
               where id = (select o.id from outbox as o indexed by outbox_pending
                           where o.user_code = ? and o.state = 'pending' and o.next_attempt_at <= ?
                             and not exists (select busy.id from outbox as busy
                                             where busy.user_code = o.user_code and busy.lease_until is not null and busy.lease_until > ?)
                           order by o.version desc limit 1)
                 and (lease_until is null or lease_until <= ?)
               returning id, user_code, version, flags, attempts`,
            )
            .get(owner, new Date(now.getTime() + leaseMs).toISOString(), userCode, nowIso, nowIso, nowIso) as
            | Pick<Selectable<OutboxTable>, "id" | "user_code" | "version" | "flags" | "attempts">
            | undefined,
      );
      return row ? { id: row.id, userCode: row.user_code, version: row.version, flags: parseFlags(row.flags), attempts: row.attempts } : null;
    }
    let candidate = this.db
      .selectFrom("outbox as o")
      .select("o.id")
      .where("o.user_code", "=", userCode)
      .where("o.state", "=", sql.lit("pending"))
      .where("o.next_attempt_at", "<=", nowIso)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("outbox as busy")
              .select("busy.id")
              .whereRef("busy.user_code", "=", "o.user_code")
              .where("busy.lease_until", "is not", null)
              .where("busy.lease_until", ">", nowIso),
          ),
        ),
      )
      .orderBy("o.version", "desc")
      .limit(1);
    if (this.dialect === "postgres") candidate = candidate.forUpdate().skipLocked();
    const row = await this.db
      .updateTable("outbox")
      .set({ lease_owner: owner, lease_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where((eb) => eb("id", "=", candidate))
      // Checked again on the row itself: PostgreSQL re-reads the row a concurrent claim has just leased
      // before updating it, while the subquery's NOT EXISTS saw the rows as they were when it started.
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", nowIso)]))
      .returning(["id", "user_code", "version", "flags", "attempts"])
      .executeTakeFirst();
    if (!row) return null;
    return { id: row.id, userCode: row.user_code, version: row.version, flags: parseFlags(row.flags), attempts: row.attempts };
  }

  /** Who holds a lease that has not run out yet (to find a crashed predecessor's). */
  async leaseOwners(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("outbox")
      .select("lease_owner")
      .distinct()
      .where("lease_until", ">", this.now().toISOString())
      .where("lease_owner", "is not", null)
      .execute();
    return rows.map((r) => r.lease_owner).filter((o): o is string => o !== null);
  }

  /** Gives back the leases of workers known to be dead, so their users are delivered now, not at expiry. */
  async releaseLeases(owners: readonly string[]): Promise<number> {
    if (!owners.length) return 0;
    const result = await this.db
      .updateTable("outbox")
      .set({ lease_owner: null, lease_until: null })
      .where("lease_owner", "in", [...owners])
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async markDelivered(id: number): Promise<void> {
    const at = this.now().toISOString();
    // One transaction (one commit to wait for): the confirmation, the outcome and the lease given back.
    // X3 now holds that version: if it is still the current one, it is confirmed. The setup row is
    // written before the outbox row, the order a save takes them in, so the two cannot deadlock; a save
    // committing meanwhile makes this version no longer current, and the outcome below a no-op.
    await this.settle(id, { state: "delivered", delivered_at: at, last_attempt_at: at, message: null }, async (trx) => {
      await sql`update setup set x3_confirmed_at = ${at}
                where (user_code, version) in (select user_code, version from outbox where id = ${id} and state in ('pending', 'delivered'))`.execute(trx);
    }, (raw) => {
      raw
        .statement(
          `update setup set x3_confirmed_at = ?
           where (user_code, version) = (select user_code, version from outbox where id = ? and state in ('pending', 'delivered'))`,
        )
        .run(at, id);
    });
  }

  /** Records that X3 holds `version` of the user's setup (ignored if a newer version exists). */
  async markConfirmed(userCode: string, version: number): Promise<void> {
    const at = this.now().toISOString();
    if (this.raw) {
      const raw = this.raw;
      await raw.exclusive(() => raw.statement(MARK_CONFIRMED).run(at, userCode, version));
      return;
    }
    await this.db
      .updateTable("setup")
      .set({ x3_confirmed_at: at })
      .where("user_code", "=", userCode)
      .where("version", "=", version)
      .execute();
  }

  /** The flags X3 was last given for the user, or null when none was ever delivered. */
  async lastDeliveredFlags(userCode: string): Promise<Flags | null> {
    const row = await this.db
      .selectFrom("outbox")
      .select("flags")
      .where("user_code", "=", userCode)
      .where("state", "=", "delivered")
      .orderBy("version", "desc")
      .limit(1)
      .executeTakeFirst();
    return row ? parseFlags(row.flags) : null;
  }

  /** The full flag set of one version, from its outbox row (every version has one). */
  async flagsAt(userCode: string, version: number): Promise<Flags | null> {
    const row = await this.db
      .selectFrom("outbox")
      .select("flags")
      .where("user_code", "=", userCode)
      .where("version", "=", version)
      .executeTakeFirst();
    return row ? parseFlags(row.flags) : null;
  }

  async history(userCode: string, page: number, pageSize: number): Promise<{ items: HistoryEntry[]; total: number }> {
    const total = await this.db
      .selectFrom("history")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("user_code", "=", userCode)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom("history")
      .selectAll()
      .where("user_code", "=", userCode)
      .orderBy("version", "desc")
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    return {
      total: Number(total.n),
      items: rows.map((r) => ({
        version: r.version,
        at: r.at,
        actor: r.actor,
        source: r.source as ChangeSource,
        changes: JSON.parse(r.changes) as HistoryEntry["changes"],
      })),
    };
  }

  /** Every stored setup, for applying a policy change. */
  async allSetups(): Promise<StoredSetup[]> {
    const rows = await this.db.selectFrom("setup").selectAll().orderBy("user_code").execute();
    return rows.map(storedSetupOf);
  }

  async policy(): Promise<StoredPolicy> {
    const row =
      this.raw && this.direct
        ? await this.raw.exclusive(() => this.direct!.policy())
        : await this.db.selectFrom("policy").selectAll().where("id", "=", 1).executeTakeFirst();
    return this.policyOf(row);
  }

  private policyOf(row: Selectable<PolicyTable> | undefined): StoredPolicy {
    if (!row) return { policy: EMPTY_POLICY, version: 0, updatedAt: "", updatedBy: "" };
    // Every save and read needs the policy: the same document is parsed (and validated) once.
    if (this.parsedPolicy?.document !== row.document) {
      this.parsedPolicy = { document: row.document, policy: PolicySchema.parse(JSON.parse(row.document)) };
    }
    return { policy: this.parsedPolicy.policy, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  /** Compare-and-set, like a setup: false when `expectedVersion` is no longer current. */
  async savePolicy(policy: Policy, expectedVersion: number, actor: string): Promise<boolean> {
    // Acknowledged to an administrator: committed durably, like a setup (see durableTransaction).
    const result = await durableTransaction(this.db, this.dialect, (trx) =>
      trx
        .updateTable("policy")
        .set({ document: JSON.stringify(policy), version: expectedVersion + 1, updated_at: this.now().toISOString(), updated_by: actor })
        .where("id", "=", 1)
        .where("version", "=", expectedVersion)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  async markRetry(id: number, nextAttemptAt: Date, message: string): Promise<void> {
    await this.settle(id, { next_attempt_at: nextAttemptAt.toISOString(), last_attempt_at: this.now().toISOString(), message });
  }

  async markFailed(id: number, message: string): Promise<void> {
    await this.settle(id, { state: "failed", last_attempt_at: this.now().toISOString(), message });
  }

  /**
   * Records an attempt's outcome and gives the lease back. The outcome applies only while the row is
   * still pending (a newer version may have superseded it meanwhile); the lease is released regardless.
   * `first` runs in the same transaction, before the outbox row is written.
   *
   * On PostgreSQL the commit does not wait for the WAL flush (synchronous_commit off, this transaction
   * only): an outcome lost in a database crash leaves the row pending and leased, so it is delivered again
   * once the lease runs out — harmless, as each delivery writes the version's full flag set. That halves
   * the flushes a delivery waits for (the claim's stays durable: it is what keeps one delivery per user).
   */
  private async settle(
    id: number,
    outcome: Updateable<OutboxTable>,
    first?: (trx: Transaction<Database>) => Promise<void>,
    /** `first`, straight on SQLite's connection. */
    firstRaw?: (raw: RawSqlite) => void,
  ): Promise<void> {
    const columns = Object.keys(outcome).sort() as (keyof Updateable<OutboxTable>)[];
    if (this.raw) {
      await this.bookkeeping((raw) => {
        firstRaw?.(raw);
        // One statement: the outcome where the row is still pending (every CASE sees the row as it was),
        // the lease given back regardless.
        const pending = (value: string) => `case when state = 'pending' then ${value} else`;
        raw
          .statement(
            `update outbox set ${columns.map((c) => `${c} = ${pending("?")} ${c} end`).join(", ")},
               attempts = ${pending("attempts + 1")} attempts end, lease_owner = null, lease_until = null
             where id = ?`,
          )
          .run(...columns.map((c) => outcome[c] ?? null), id);
      });
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      if (this.dialect === "postgres") await sql`set local synchronous_commit to off`.execute(trx);
      await first?.(trx);
      // The same single statement as on SQLite above (two were two round trips).
      const pending = sql`case when state = 'pending' then`;
      await sql`update outbox set ${sql.join(
        columns.map((c) => sql`${sql.ref(c)} = ${pending} ${outcome[c] ?? null} else ${sql.ref(c)} end`),
      )}, attempts = ${pending} attempts + 1 else attempts end, lease_owner = null, lease_until = null
        where id = ${id}`.execute(trx);
    });
  }

  async rememberUser(email: string, user: X3User): Promise<void> {
    const row = {
      email: email.toLowerCase(),
      user_code: user.code,
      name: user.name,
      language: user.language,
      seen_at: this.now().toISOString(),
    };
    await this.db
      .insertInto("x3_user")
      .values(row)
      .onConflict((oc) => oc.column("email").doUpdateSet(row))
      .execute();
  }

  /** The last mapping seen for the mailbox, if it was seen at `seenSince` or later (any age without it). */
  async knownUser(email: string, seenSince?: Date): Promise<X3User | null> {
    let query = this.db.selectFrom("x3_user").selectAll().where("email", "=", email.toLowerCase());
    // ISO-8601 UTC strings of one length compare as the instants they write.
    if (seenSince) query = query.where("seen_at", ">=", seenSince.toISOString());
    const row = await query.executeTakeFirst();
    return row ? { code: row.user_code, name: row.name, email: row.email, language: row.language } : null;
  }

  /**
   * The person the mailbox address is bound to: `person` when the address had none (it is now bound to it),
   * else the one it was first bound to — the caller compares. Concurrent first sign-ins: the first write wins.
   */
  async bindIdentity(email: string, person: { readonly tenantId: string; readonly objectId: string }): Promise<{ tenantId: string; objectId: string }> {
    const key = email.toLowerCase();
    await this.db
      .insertInto("identity_binding")
      .values({ email: key, tenant_id: person.tenantId, object_id: person.objectId, bound_at: this.now().toISOString() })
      .onConflict((oc) => oc.column("email").doNothing())
      .execute();
    const row = await this.db.selectFrom("identity_binding").select(["tenant_id", "object_id"]).where("email", "=", key).executeTakeFirstOrThrow();
    return { tenantId: row.tenant_id, objectId: row.object_id };
  }

  // --- The directory of X3 users (see X3UserDirectory): replaced as a whole, read by e-mail or code. ---

  /**
   * Replaces the directory with `users` and records `refreshedAt`, in one transaction: readers see the old
   * directory or the new one, and a user gone from X3 is gone from it. A user the columns cannot hold (a
   * code over 10 characters, an e-mail over 254, which no mailbox can have) is left out rather than
   * failing the refresh; a code listed twice keeps its last entry. Returns how many users were stored.
   */
  async replaceDirectory(users: readonly X3User[], refreshedAt: Date): Promise<number> {
    const rows = new Map<string, Insertable<X3DirectoryTable>>();
    for (const u of users) {
      const code = u.code.trim();
      const email = u.email.trim();
      if (!code || code.length > 10 || email.length > 254) continue;
      const language = u.language?.trim().slice(0, 8) || null;
      rows.set(code, { user_code: code, name: u.name.slice(0, 254), email, email_lower: email.toLowerCase(), language });
    }
    const at = refreshedAt.toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("x3_directory").execute();
      // Bounded statements: SQLite and PostgreSQL cap a statement's parameters (5 a row here).
      const all = [...rows.values()];
      for (let i = 0; i < all.length; i += 500) await trx.insertInto("x3_directory").values(all.slice(i, i + 500)).execute();
      await trx
        .insertInto("x3_directory_state")
        .values({ id: 1, refreshed_at: at })
        .onConflict((oc) => oc.column("id").doUpdateSet({ refreshed_at: at }))
        .execute();
    });
    return rows.size;
  }

  /** Every user of the directory, by code. */
  async directoryUsers(): Promise<X3User[]> {
    return (await this.db.selectFrom("x3_directory").selectAll().orderBy("user_code").execute()).map(directoryUserOf);
  }

  /** The users whose e-mail is `email`, case-insensitively (none, one or several), by code. */
  async directoryUsersByEmail(email: string): Promise<X3User[]> {
    const key = email.trim().toLowerCase();
    if (!key) return [];
    const rows = await this.db.selectFrom("x3_directory").selectAll().where("email_lower", "=", key).orderBy("user_code").execute();
    return rows.map(directoryUserOf);
  }

  async directoryUser(code: string): Promise<X3User | null> {
    const row = await this.db.selectFrom("x3_directory").selectAll().where("user_code", "=", code).executeTakeFirst();
    return row ? directoryUserOf(row) : null;
  }

  /** When the directory was last replaced, or null when it never was. */
  async directoryRefreshedAt(): Promise<Date | null> {
    const row = await this.db.selectFrom("x3_directory_state").select("refreshed_at").where("id", "=", 1).executeTakeFirst();
    return row ? new Date(row.refreshed_at) : null;
  }

  async ping(): Promise<void> {
    await this.db.selectFrom("setup").select("user_code").limit(1).execute();
  }
}

const MARK_CONFIRMED = "update setup set x3_confirmed_at = ? where user_code = ? and version = ?";

function directoryUserOf(row: Selectable<X3DirectoryTable>): X3User {
  return { code: row.user_code, name: row.name, email: row.email, language: row.language };
}

function storedSetupOf(row: Selectable<SetupTable>): StoredSetup {
  return {
    userCode: row.user_code,
    flags: parseFlags(row.flags),
    version: row.version,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    source: row.source as ChangeSource,
    x3ConfirmedAt: row.x3_confirmed_at,
  };
}

function deliveryOf(
  row: Pick<Selectable<OutboxTable>, "state" | "version" | "delivered_at" | "last_attempt_at" | "next_attempt_at" | "message"> | undefined,
): Delivery {
  if (!row) return { state: "none", version: 0, at: null, nextAttemptAt: null, message: null };
  switch (row.state) {
    case "delivered":
      return { state: "delivered", version: row.version, at: row.delivered_at, nextAttemptAt: null, message: null };
    case "failed":
      return { state: "failed", version: row.version, at: row.last_attempt_at, nextAttemptAt: null, message: row.message };
    default:
      return {
        state: "pending",
        version: row.version,
        at: row.last_attempt_at,
        nextAttemptAt: row.next_attempt_at,
        message: row.message,
      };
  }
}
