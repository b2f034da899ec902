/**
 * Group commit: writes that arrive while a transaction is committing are applied together in the next
 * one, so a burst of saves costs one commit (one fsync) instead of one each. The store uses it on SQLite
 * (one connection, one writer). Every write still gets its own result, from its own statements, in arrival order: a
 * compare-and-set later in a group sees the writes before it, exactly as it would one transaction later.
 * Each write runs inside a savepoint, so one that fails is rolled back alone and the others go on; its
 * caller gets its error. No caller is answered before the transaction holding its write has committed;
 * if the commit fails, every write of the group fails with it (none of them was acknowledged).
 */

/** How a group's transaction marks, keeps and undoes one write's statements. */
export interface Savepoints<Tx> {
  begin(trx: Tx): Promise<unknown> | unknown;
  release(trx: Tx): Promise<unknown> | unknown;
  rollback(trx: Tx): Promise<unknown> | unknown;
}

interface Waiting<Req, Res> {
  readonly request: Req;
  readonly resolve: (result: Res) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome<Res> = { readonly ok: true; readonly value: Res } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitStats {
  /** Transactions committed or attempted. */
  groups: number;
  /** Writes applied in them. */
  writes: number;
}

export interface GroupCommitOptions<Req> {
  /**
   * When the transaction's commit is not durable by itself: makes it so (e.g. fsyncs the log). The
   * group's writers are answered once it resolves; the next group's transaction does not wait for it,
   * so one group's statements run while the previous group's flush is on its way.
   */
  readonly durable?: (() => Promise<void>) | null;
  /** Writes per transaction at most (64): bounds how long one commit holds the database. */
  readonly maxGroup?: number;
  /**
   * Whether a write's caller waits for `durable` (every write does by default). One that does not is
   * answered as soon as the transaction holding it has committed; a group with no such write is not flushed.
   */
  readonly waitsForFlush?: (request: Req) => boolean;
}

export class GroupCommit<Tx, Req, Res> {
  private queue: Waiting<Req, Res>[] = [];
  private running = false;
  readonly stats: GroupCommitStats = { groups: 0, writes: 0 };
  private readonly durable: (() => Promise<void>) | null;
  private readonly maxGroup: number;
  private readonly waitsForFlush: (request: Req) => boolean;

  constructor(
    /** Runs one transaction (e.g. a durable one): the group's. */
    private readonly transaction: (work: (trx: Tx) => Promise<void>) => Promise<void>,
    /** One write's statements, inside the group's transaction. */
    private readonly apply: (trx: Tx, request: Req) => Promise<Res>,
    private readonly savepoints: Savepoints<Tx>,
    options: GroupCommitOptions<Req> = {},
  ) {
    this.durable = options.durable ?? null;
    this.maxGroup = options.maxGroup ?? 64;
    this.waitsForFlush = options.waitsForFlush ?? (() => true);
  }

  submit(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      // One turn of the event loop first, so writes submitted together start together.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.queue.length) await this.commit(this.queue.splice(0, this.maxGroup));
      // A flush still on its way answers its own group; the loop ends when nothing waits to be written.
    } finally {
      this.running = false;
    }
  }

  private async commit(group: readonly Waiting<Req, Res>[]): Promise<void> {
    this.stats.groups += 1;
    this.stats.writes += group.length;
    let outcomes: Outcome<Res>[] = [];
    try {
      await this.transaction(async (trx) => {
        outcomes = [];
        if (group.length === 1) {
          // Alone, the transaction is the write's own: its failure rolls it back and is the caller's.
          outcomes.push({ ok: true, value: await this.apply(trx, group[0]!.request) });
          return;
        }
        for (const { request } of group) outcomes.push(await this.isolated(trx, request));
      });
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    const answer = (w: Waiting<Req, Res>, i: number) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) w.resolve(outcome.value);
      else w.reject(outcome.error);
    };
    const durable = this.durable;
    const waits = group.map((w) => durable !== null && this.waitsForFlush(w.request));
    group.forEach((w, i) => !waits[i] && answer(w, i));
    if (!durable || !waits.includes(true)) return;
    // Not awaited: the next group goes ahead while this one's flush is on its way.
    durable().then(
      () => group.forEach((w, i) => waits[i] && answer(w, i)),
      (error: unknown) => group.forEach((w, i) => waits[i] && w.reject(error)),
    );
  }

  /** One write inside a savepoint: on failure, its own statements are undone and the group goes on. */
  private async isolated(trx: Tx, request: Req): Promise<Outcome<Res>> {
    await this.savepoints.begin(trx);
    try {
      const value = await this.apply(trx, request);
      await this.savepoints.release(trx);
      return { ok: true, value };
    } catch (error) {
      await this.savepoints.rollback(trx);
      return { ok: false, error };
    }
  }
}
