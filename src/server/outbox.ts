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

/** The workers running in this process (tests and some deployments run several). */
const LIVE_OWNERS = new Set<string>();

/**
 * A lease owner is `host:pid:id`. It is known dead when it is of this host and either its process no
 * longer runs, or it is this very process id under another worker id that this process is not running
 * (an earlier life of the same pid, as in a container restarted with pid 1). Other hosts' leases are
 * left to run out: nothing here can tell whether they live.
 */
export function isDeadLocalOwner(owner: string, host = hostname(), pid = process.pid, live: ReadonlySet<string> = LIVE_OWNERS): boolean {
  const parts = owner.split(":");
  if (parts.length < 3) return false;
  const ownerPid = Number(parts[parts.length - 2]);
  const ownerHost = parts.slice(0, -2).join(":");
  if (ownerHost !== host || !Number.isSafeInteger(ownerPid) || ownerPid <= 0) return false;
  if (ownerPid === pid) return !live.has(owner);
  try {
    process.kill(ownerPid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists under another user.
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export class OutboxWorker {
  private readonly options: OutboxOptions;
  /** Identifies this worker's leases, so an operator can tell which replica holds a delivery. */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  /** Attempts whose outcome was recorded (delivered, retry planned, failed): how a sweep knows it got on. */
  private settled = 0;
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
    LIVE_OWNERS.add(this.owner);
    // A worker killed mid-delivery (SIGKILL, OOM, a host restart) leaves its leases behind; on the same
    // host we can tell it is dead and take its users back at once instead of after `leaseMs`.
    this.sweeping = this.releaseDeadLeases()
      .then(() => undefined)
      .catch((err: unknown) => this.log.warn({ err }, "could not release a dead worker's outbox leases"))
      .finally(() => {
        this.sweeping = null;
        this.schedule(0);
      });
  }

  /** Releases the leases held by workers of this host whose process is gone. Exposed for tests. */
  async releaseDeadLeases(): Promise<number> {
    const dead = (await this.store.leaseOwners()).filter((owner) => isDeadLocalOwner(owner));
    if (!dead.length) return 0;
    const released = await this.store.releaseLeases(dead);
    this.log.warn({ owners: dead, released }, "released the outbox leases of workers that are no longer running");
    return released;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    LIVE_OWNERS.delete(this.owner);
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
    // X3's web-service pool is small: when this worker already has `concurrency` deliveries on their way
    // (Monday morning), the save answers "waiting for X3" at once and the next sweep delivers it, rather
    // than every save in flight writing to X3 at the same moment.
    if (!this.tryTakeLane()) return;
    const run = this.deliverUser(userCode, true).finally(() => this.releaseLane());
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([run, new Promise<void>((r) => (timeout = setTimeout(r, budgetMs)))]);
    clearTimeout(timeout);
  }

  /**
   * One pass over up to `batch` due users; what the timer runs. Exposed for tests. Returns true when more
   * may be due at once: the batch was full and attempts were settled (so the next pass finds other users,
   * and a failing store or X3 cannot turn it into a tight loop: retried rows are due only later).
   */
  async sweep(): Promise<boolean> {
    const queue = await this.store.dueUsers(this.options.batch);
    const full = queue.length >= this.options.batch;
    const settledBefore = this.settled;
    const lanes = Array.from({ length: Math.max(1, this.options.concurrency) }, async () => {
      for (let user = queue.shift(); user !== undefined; user = queue.shift()) {
        await this.takeLane();
        try {
          await this.deliverUser(user);
        } finally {
          this.releaseLane();
        }
      }
    });
    await Promise.all(lanes);
    return full && this.settled > settledBefore;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      let more = false;
      this.sweeping = this.sweep()
        .then((m) => void (more = m))
        .catch((err: unknown) => this.log.error({ err }, "outbox sweep failed"))
        .finally(() => {
          this.sweeping = null;
          // A backlog (X3 back after an outage, Monday morning) is worked through without a poll's pause
          // between batches.
          this.schedule(more ? 0 : this.options.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** Deliveries on their way from this worker, sweeps' and saves' together: at most `concurrency`. */
  private activeLanes = 0;
  private readonly laneWaiters: Array<() => void> = [];

  private tryTakeLane(): boolean {
    if (this.activeLanes >= Math.max(1, this.options.concurrency)) return false;
    this.activeLanes++;
    return true;
  }

  private async takeLane(): Promise<void> {
    while (!this.tryTakeLane()) await new Promise<void>((resolve) => this.laneWaiters.push(resolve));
  }

  private releaseLane(): void {
    this.activeLanes--;
    this.laneWaiters.shift()?.();
  }

  /**
   * Chains a user's deliveries in this process; the store's lease does the same across replicas. `once`:
   * a single claim, which takes the latest version (what a save waits for); a sweep delivers until none is due.
   */
  private deliverUser(userCode: string, once = false): Promise<void> {
    const previous = this.inFlight.get(userCode) ?? Promise.resolve();
    const tracked: Promise<void> = previous
      .then(() => this.deliverDue(userCode, once))
      .catch((err: unknown) => this.log.error({ err, x3User: userCode }, "outbox delivery failed"))
      .finally(() => {
        if (this.inFlight.get(userCode) === tracked) this.inFlight.delete(userCode);
      });
    this.inFlight.set(userCode, tracked);
    return tracked;
  }

  /** Delivers the user's latest due version, then any newer one accepted meanwhile. */
  private async deliverDue(userCode: string, once: boolean): Promise<void> {
    for (let item = await this.claim(userCode); item; item = once ? null : await this.claim(userCode)) await this.attempt(item);
  }

  private claim(userCode: string): Promise<OutboxItem | null> {
    return this.store.claimDue(userCode, this.owner, this.options.leaseMs);
  }

  private async attempt(item: OutboxItem): Promise<void> {
    // The delivery's fields on each line it writes (a child logger for each delivery would cost more than the line).
    const about = { x3User: item.userCode, version: item.version };
    let failure: unknown = null;
    try {
      const base = await this.store.lastDeliveredFlags(item.userCode);
      await this.x3.writeSyncpar(item.userCode, item.flags, base ? { base } : {});
    } catch (err) {
      failure = err;
    }
    // A store failure from here on propagates: the lease runs out and the (idempotent) delivery is retried.
    if (failure === null) {
      await this.store.markDelivered(item.id);
      this.settled++;
      this.log.info(about, "delivered to X3");
      return;
    }
    if (!isX3Error(failure)) {
      // Not X3's answer (a bug, or a failure of ours): try again later, and never show its text to users.
      this.log.error({ ...about, err: failure }, "X3 delivery failed unexpectedly; it will be retried");
    }
    const message = isX3Error(failure) ? x3ErrorMessage(failure) : "The delivery to X3 failed unexpectedly; it will be retried.";
    if (!isX3Error(failure) || isTransientX3Error(failure)) {
      const delay = retryDelayMs(item.attempts, this.options);
      await this.store.markRetry(item.id, new Date(Date.now() + delay), message);
      this.settled++;
      this.log.warn({ ...about, attempts: item.attempts + 1, retryInMs: delay, reason: message }, "X3 delivery will be retried");
    } else {
      await this.store.markFailed(item.id, message);
      this.settled++;
      this.log.error({ ...about, reason: message }, "X3 refused the delivery");
    }
  }
}
