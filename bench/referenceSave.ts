/**
 * The calibration the issue gives for the server's budget, rebuilt so that it is measured here, in the same
 * run as the add-in's server: "a straightforward prototype (Fastify over HTTPS, jose HS256 verify, zod, one
 * SQLite transaction writing setup + history + outbox)" with the two levers the issue names — verified
 * tokens cached until they expire, and concurrent saves grouped into one transaction.
 *
 * It keeps the promise the add-in's server makes of a save (docs/RELIABILITY.md): a save is answered only
 * once the write-ahead log holding its commit has been fsynced, so it survives a power cut. It does nothing
 * else the add-in's server does for a save (no delivery to X3, no policy, no rate limits, no security
 * headers, no logs, no snapshot in the answer): the bench reports it beside the real PUT, without a budget,
 * as what a minimal durable save costs on the machine the run is on.
 */
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { FLAG_CODES, type Flags } from "../src/core/flags";
import { CachingTokenVerifier, DevTokenIssuer } from "../src/server/auth/tokens";

const Body = z.strictObject({ flags: z.strictObject(Object.fromEntries(FLAG_CODES.map((code) => [code, z.boolean()]))) });

export interface ReferenceUser {
  readonly code: string;
  readonly token: string;
}

export interface ReferenceSave {
  readonly app: FastifyInstance;
  readonly users: readonly ReferenceUser[];
  /** Transactions committed and fsyncs of the log, so far. */
  readonly stats: { groups: number; saves: number; fsyncs: number };
  close(): Promise<void>;
}

interface Write {
  readonly userCode: string;
  readonly version: number;
  readonly flags: Flags;
  readonly by: string;
  readonly resolve: (version: number | null) => void;
  readonly reject: (error: unknown) => void;
}

/** The prototype's server over `dir/reference.sqlite`, with `userCount` users at version 1 and a token each. */
export async function buildReferenceSave(dir: string, userCount: number, tls?: { key: string; cert: string }): Promise<ReferenceSave> {
  // jose HS256 tokens (the add-in's development issuer), and lever 1: each verified once, then kept until its
  // own expiry, never a refused one (the add-in's cache).
  const issuer = new DevTokenIssuer(undefined);
  const verifier = new CachingTokenVerifier(issuer);
  const file = join(dir, "reference.sqlite");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`
    create table setups (user_code text primary key, version integer not null, flags text not null);
    create table history (id integer primary key, user_code text not null, version integer not null, flags text not null, saved_by text not null, saved_at text not null);
    create table outbox (id integer primary key, user_code text not null, version integer not null, state text not null, due_at text not null);
    create index outbox_pending on outbox (user_code, due_at) where state = 'pending';
  `);
  const none = JSON.stringify(Object.fromEntries(FLAG_CODES.map((code) => [code, false])));
  const insertUser = db.prepare("insert into setups (user_code, version, flags) values (?, 1, ?)");
  const users: ReferenceUser[] = [];
  for (let i = 1; i <= userCount; i++) {
    const code = `REF${String(i).padStart(4, "0")}`;
    insertUser.run(code, none);
    users.push({ code, token: await issuer.issue(`${code.toLowerCase()}@contoso.com`) });
  }

  // Lever 2: saves that arrive together share one transaction; each is answered once the log is fsynced.
  // Not the add-in's GroupCommit: that one gives each write of a group a savepoint, which is the add-in's
  // cost, not the prototype's single transaction.
  const read = db.prepare<[string], { version: number; flags: string }>("select version, flags from setups where user_code = ?");
  const update = db.prepare<[string, string, number], { version: number }>(
    "update setups set version = version + 1, flags = ? where user_code = ? and version = ? returning version",
  );
  const history = db.prepare("insert into history (user_code, version, flags, saved_by, saved_at) values (?, ?, ?, ?, ?)");
  const outbox = db.prepare("insert into outbox (user_code, version, state, due_at) values (?, ?, 'pending', ?)");
  const stats = { groups: 0, saves: 0, fsyncs: 0 };
  let log: Promise<FileHandle> | null = null;
  const syncLog = async () => {
    log ??= open(`${file}-wal`, "r+");
    stats.fsyncs += 1;
    await (await log).sync();
  };
  const group = db.transaction((writes: readonly Write[]) => {
    const now = new Date().toISOString();
    return writes.map((w) => {
      const json = JSON.stringify(w.flags);
      const row = update.get(json, w.userCode, w.version);
      if (!row) return null;
      history.run(w.userCode, row.version, json, w.by, now);
      outbox.run(w.userCode, row.version, now);
      return row.version;
    });
  });
  let queue: Write[] = [];
  let scheduled = false;
  const commitQueued = () => {
    scheduled = false;
    const writes = queue;
    queue = [];
    let versions: (number | null)[];
    try {
      versions = group(writes);
    } catch (error) {
      for (const w of writes) w.reject(error);
      return;
    }
    stats.groups += 1;
    stats.saves += writes.length;
    syncLog().then(
      () => writes.forEach((w, i) => w.resolve(versions[i]!)),
      (error: unknown) => writes.forEach((w) => w.reject(error)),
    );
  };
  const save = (write: Omit<Write, "resolve" | "reject">) =>
    new Promise<number | null>((resolve, reject) => {
      queue.push({ ...write, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(commitQueued);
      }
    });

  const app = Fastify({ logger: false, ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}) });
  app.decorateRequest("email", "");
  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers.authorization ?? "";
    try {
      (request as { email?: string }).email = (await verifier.verify(header.replace(/^Bearer /, ""))).email;
    } catch {
      return reply.code(401).send({ error: "unauthorized" });
    }
  });
  const current = (userCode: string) => {
    const row = read.get(userCode);
    return row ? { userCode, version: row.version, flags: JSON.parse(row.flags) as Flags } : null;
  };
  app.get<{ Params: { user: string } }>("/setups/:user", async (request, reply) => current(request.params.user) ?? reply.code(404).send({ error: "unknown user" }));
  app.put<{ Params: { user: string } }>("/setups/:user", async (request, reply) => {
    const body = Body.safeParse(request.body);
    const version = Number(String(request.headers["if-match"] ?? "").replace(/"/g, ""));
    if (!body.success || !Number.isInteger(version)) return reply.code(400).send({ error: "bad request" });
    const { user } = request.params;
    const saved = await save({ userCode: user, version, flags: body.data.flags as Flags, by: (request as { email?: string }).email ?? "" });
    if (saved === null) return reply.code(412).send({ error: "version changed", current: current(user) });
    return { userCode: user, version: saved, flags: body.data.flags };
  });

  return {
    app,
    users,
    stats,
    async close() {
      await app.close();
      await log?.then((h) => h.close());
      db.close();
    },
  };
}
