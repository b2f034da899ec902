/**
 * Schema migrations, the same for SQLite and PostgreSQL, kept in code so the compiled server needs no
 * migration folder at run time. Kysely's migrator records what ran and holds a lock while it runs.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";

export type SqlDialect = "sqlite" | "postgres";

const migrations = (dialect: SqlDialect): Record<string, Migration> => ({
  "2026-11-27-001-setup-history-outbox": {
    async up(db: Kysely<unknown>) {
      const postgres = dialect === "postgres";
      await db.schema
        .createTable("setup")
        .addColumn("user_code", "varchar(10)", (c) => c.primaryKey())
        .addColumn("flags", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
        .addColumn("updated_by", "varchar(254)", (c) => c.notNull())
        .addColumn("source", "varchar(16)", (c) => c.notNull())
        // When X3's SYNCPAR last held this setup's flags, as read back from X3.
        .addColumn("x3_confirmed_at", "varchar(32)")
        .execute();

      await db.schema
        .createTable("history")
        .addColumn("id", postgres ? "bigserial" : "integer", (c) =>
          postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn("user_code", "varchar(10)", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("at", "varchar(32)", (c) => c.notNull())
        .addColumn("actor", "varchar(254)", (c) => c.notNull())
        .addColumn("source", "varchar(16)", (c) => c.notNull())
        .addColumn("changes", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("history_user_version").on("history").columns(["user_code", "version"]).execute();

      await db.schema
        .createTable("outbox")
        .addColumn("id", postgres ? "bigserial" : "integer", (c) =>
          postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn("user_code", "varchar(10)", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("flags", "text", (c) => c.notNull())
        .addColumn("state", "varchar(16)", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .addColumn("next_attempt_at", "varchar(32)", (c) => c.notNull())
        .addColumn("last_attempt_at", "varchar(32)")
        .addColumn("delivered_at", "varchar(32)")
        .addColumn("message", "text")
        // A delivery in flight: which worker took it and until when (a crashed worker's lease runs out).
        .addColumn("lease_owner", "varchar(64)")
        .addColumn("lease_until", "varchar(32)")
        .addUniqueConstraint("outbox_user_version", ["user_code", "version"])
        .execute();
      await db.schema.createIndex("outbox_due").on("outbox").columns(["state", "next_attempt_at"]).execute();

      await db.schema
        .createTable("x3_user")
        .addColumn("email", "varchar(254)", (c) => c.primaryKey())
        .addColumn("user_code", "varchar(10)", (c) => c.notNull())
        .addColumn("name", "varchar(254)", (c) => c.notNull())
        .addColumn("language", "varchar(8)")
        .addColumn("seen_at", "varchar(32)", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("policy")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("document", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
        .addColumn("updated_by", "varchar(254)", (c) => c.notNull())
        .execute();
      // The row always exists, so a save can lock it (FOR SHARE) and a policy change waits for that save.
      await sql`insert into policy (id, document, version, updated_at, updated_by)
                values (1, ${JSON.stringify({ defaults: {}, locks: {} })}, 0, ${"1970-01-01T00:00:00.000Z"}, ${""})`.execute(db);
    },
  },
  // A user's outbox rows are every version ever saved (restores read their flags), so a query that walks
  // all of a user's rows grows with their history. Saves (supersede), claims (the pending candidate and
  // the "is a delivery in flight" check) and sweeps only ever want pending or leased rows: few at any
  // time (a user has at most one pending row: each save supersedes the one before). The index on every
  // row's state and due time gives way to the pending rows' index, which the sweep reads whole.
  "2026-11-28-001-outbox-pending-and-leased": {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex("outbox_pending").on("outbox").column("user_code").where(sql.ref("state"), "=", sql.lit("pending")).execute();
      await db.schema.dropIndex("outbox_due").execute();
      await db.schema.createIndex("outbox_leased").on("outbox").column("user_code").where(sql.ref("lease_until"), "is not", null).execute();
    },
  },
  // The directory of X3 users (issue 19): with X3's SOAP web service a lookup costs a query plus a read per
  // user, too costly per request, so mailboxes are matched against this copy, refreshed as a whole. The
  // e-mail is matched lower-cased by the application (one rule on both databases, an index that serves it).
  // `x3_user` stays: it is the last mapping seen for a mailbox, used while X3 cannot be reached.
  "2026-12-08-001-x3-directory": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("x3_directory")
        .addColumn("user_code", "varchar(10)", (c) => c.primaryKey())
        .addColumn("name", "varchar(254)", (c) => c.notNull())
        .addColumn("email", "varchar(254)", (c) => c.notNull())
        .addColumn("email_lower", "varchar(254)", (c) => c.notNull())
        .addColumn("language", "varchar(8)")
        .execute();
      await db.schema.createIndex("x3_directory_email").on("x3_directory").column("email_lower").execute();
      // One row (id 1) once the directory has been filled: "never" and "an empty X3" are told apart.
      await db.schema
        .createTable("x3_directory_state")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("refreshed_at", "varchar(32)", (c) => c.notNull())
        .execute();
    },
  },
  // Issue 22: a mailbox's X3 user is found by address, and an address can be given to another person. The
  // person (tenant + object id) the mapping was first made for is kept: another one with that address is refused.
  "2026-12-08-002-identity-binding": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("identity_binding")
        .addColumn("email", "varchar(254)", (c) => c.primaryKey())
        .addColumn("tenant_id", "varchar(64)", (c) => c.notNull())
        .addColumn("object_id", "varchar(64)", (c) => c.notNull())
        .addColumn("bound_at", "varchar(32)", (c) => c.notNull())
        .execute();
    },
  },
});

export async function migrateToLatest(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // Kysely looks for its own tables in every schema unless told which one: on a PostgreSQL database shared
  // with another Kysely application (or another schema of ours) it would find theirs and skip creating ours.
  const migrationTableSchema =
    dialect === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
  }
}
