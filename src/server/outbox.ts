/**
 * Delivers accepted changes to X3: at least once and idempotently (each delivery writes the version's full
 * flag set), one user at a time in version order, with exponential backoff and jitter on transient
 * failures, and a stop with X3's reason on a permanent one. X3's web-service pools are small, so only a
 * few users are delivered at once.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { FastifyBaseLogger } from "fastify";
import type { OutboxItem, SetupStore } from "./store/setupStore";
import { isTransientX3Error, isX3Error, type X3Port, x3ErrorMessage } from "./x3Port";

export interface OutboxOptions {
  readonly pollMs: number;
  /** Users delivered at once by this worker: X3's web-service pools are small. */
  readonly concurrency: number;
  /** Users looked at per sweep. */
  readonly batch: number;
  /** How long a claimed delivery is this worker's; longer than the gateway's slowest write. */
  readonly leaseMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
}

const DEFAULTS: OutboxOptions = {
  pollMs: 2000,
  concurrency: 2,
  batch: 200,
  // Longer than the gateway's slowest write (reads retried, then create or update, each with its timeouts).
  leaseMs: 300_000,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  random: Math.random,
};

/** Exponential backoff with "equal jitter": half fixed, half random, so retries from many users spread out. */
export function retryDelayMs(attempts: number, o: Pick<OutboxOptions, "baseDelayMs" | "maxDelayMs" | "random">): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(attempts, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * o.random());
}

export class OutboxWorker {
  private readonly options: OutboxOptions;
  /** Identifies this worker's leases, so an operator can tell which replica holds a delivery. */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly store: SetupStore,
    private readonly x3: X3Port,
    private readonly log: FastifyBaseLogger,
    options: Partial<OutboxOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping;
    await Promise.allSettled(this.inFlight.values());
  }

  /**
   * Delivers a user's due change now, waiting at most `budgetMs` so a save can say "saved to X3" when X3
   * is quick, and "waiting for X3" without holding the user when it is not; delivery goes on regardless.
   */
  async deliverUserNow(userCode: string, budgetMs: number): Promise<void> {
    const run = this.deliverUser(userCode);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([run, new Promise<void>((r) => (timeout = setTimeout(r, budgetMs)))]);
    clearTimeout(timeout);
  }

  /** One pass over everything due; what the timer runs. Exposed for tests. */
  async sweep(): Promise<void> {
    const queue = await this.store.dueUsers(this.options.batch);
    const lanes = Array.from({ length: Math.max(1, this.options.concurrency) }, async () => {
      for (let user = queue.shift(); user !== undefined; user = queue.shift()) await this.deliverUser(user);
    });
    await Promise.all(lanes);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweeping = this.sweep()
        .catch((err: unknown) => this.log.error({ err }, "outbox sweep failed"))
        .finally(() => {
          this.sweeping = null;
          this.schedule(this.options.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** Chains a user's deliveries in this process; the store's lease does the same across replicas. */
  private deliverUser(userCode: string): Promise<void> {
    const previous = this.inFlight.get(userCode) ?? Promise.resolve();
    const tracked: Promise<void> = previous
      .then(() => this.deliverDue(userCode))
      .catch((err: unknown) => this.log.error({ err, x3User: userCode }, "outbox delivery failed"))
      .finally(() => {
        if (this.inFlight.get(userCode) === tracked) this.inFlight.delete(userCode);
      });
    this.inFlight.set(userCode, tracked);
    return tracked;
  }

  /** Delivers the user's latest due version, then any newer one accepted meanwhile. */
  private async deliverDue(userCode: string): Promise<void> {
    for (let item = await this.claim(userCode); item; item = await this.claim(userCode)) await this.attempt(item);
  }

  private claim(userCode: string): Promise<OutboxItem | null> {
    return this.store.claimDue(userCode, this.owner, this.options.leaseMs);
  }

  private async attempt(item: OutboxItem): Promise<void> {
    const log = this.log.child({ x3User: item.userCode, version: item.version });
    let failure: unknown = null;
    try {
      await this.x3.writeSyncpar(item.userCode, item.flags);
    } catch (err) {
      failure = err;
    }
    // A store failure from here on propagates: the lease runs out and the (idempotent) delivery is retried.
    if (failure === null) {
      await this.store.markDelivered(item.id);
      log.info("delivered to X3");
      return;
    }
    if (!isX3Error(failure)) {
      // Not X3's answer (a bug, or a failure of ours): try again later, and never show its text to users.
      log.error({ err: failure }, "X3 delivery failed unexpectedly; it will be retried");
    }
    const message = isX3Error(failure) ? x3ErrorMessage(failure) : "The delivery to X3 failed unexpectedly; it will be retried.";
    if (!isX3Error(failure) || isTransientX3Error(failure)) {
      const delay = retryDelayMs(item.attempts, this.options);
      await this.store.markRetry(item.id, new Date(Date.now() + delay), message);
      log.warn({ attempts: item.attempts + 1, retryInMs: delay, reason: message }, "X3 delivery will be retried");
    } else {
      await this.store.markFailed(item.id, message);
      log.error({ reason: message }, "X3 refused the delivery");
    }
  }
}
