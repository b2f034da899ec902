/**
 * The directory of X3 users, kept in the store (issue 19): mailbox → X3 user lookups and the
 * administrators' user search read it, never X3. Listing X3's users through the SOAP web service costs a
 * query plus a read per user, on a pool of a few connections the deliveries need too, so the directory is
 * refreshed as a whole, on a schedule and on a miss, and a miss refreshes at most once per
 * `missRefreshMinMs`: a mailbox X3 does not know cannot make the server read X3 in a loop.
 */
import type { FastifyBaseLogger } from "fastify";
import type { X3User } from "../core/setup";
import type { SetupStore } from "./store/setupStore";

/** Where the directory comes from: every X3 user, e-mail included (SoapUserDirectory, X3Port). */
export interface X3UserSource {
  listUsers(): Promise<X3User[]>;
}

export interface UserDirectoryOptions {
  /** Full refresh period; default 60 min. */
  readonly refreshMs?: number;
  /** A miss (unknown e-mail or code) triggers a refresh only if the last one started longer ago than this; default 5 min. */
  readonly missRefreshMinMs?: number;
  readonly now?: () => number;
  /** Where refreshes are reported (counts and failures only: no address, no name). */
  readonly log?: Pick<FastifyBaseLogger, "info" | "warn">;
}

export class X3UserDirectory {
  private readonly refreshMs: number;
  private readonly missRefreshMinMs: number;
  private readonly now: () => number;
  private readonly log: Pick<FastifyBaseLogger, "info" | "warn"> | undefined;
  /** The refresh under way, which every caller meanwhile shares. */
  private running: Promise<void> | null = null;
  /** When the last refresh started, failed ones included: what bounds the refreshes misses cause. */
  private lastStart: number | null = null;
  /** Known once the store holds a directory (it never goes back to holding none). */
  private filled = false;
  /** Why the last refresh failed while the store held no directory: the answer until the next may start. */
  private failure: unknown = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: SetupStore,
    private readonly source: X3UserSource,
    options: UserDirectoryOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 60 * 60_000;
    this.missRefreshMinMs = options.missRefreshMinMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    this.log = options.log;
  }

  /** Every user, by code; the first call ever waits for X3's listing. */
  async list(): Promise<X3User[]> {
    await this.ensureFilled();
    return this.store.directoryUsers();
  }

  /** Every user with this e-mail, case-insensitively: the caller decides what none or several mean. */
  async findByEmail(email: string): Promise<X3User[]> {
    if (!email.trim()) return [];
    await this.ensureFilled();
    const found = await this.store.directoryUsersByEmail(email);
    if (found.length || !(await this.refreshOnMiss())) return found;
    return this.store.directoryUsersByEmail(email);
  }

  async getUser(code: string): Promise<X3User | null> {
    const key = code.trim().toUpperCase();
    if (!key) return null;
    await this.ensureFilled();
    const found = await this.store.directoryUser(key);
    if (found || !(await this.refreshOnMiss())) return found;
    return this.store.directoryUser(key);
  }

  /**
   * Lists X3's users and replaces the stored directory with them; concurrent callers share one listing.
   * When X3 fails, the directory the store holds stays (stale beats nothing) and this resolves; it
   * rejects, with X3's error, only when the store has never held a directory.
   */
  refresh(): Promise<void> {
    this.running ??= this.load().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Refreshes every `refreshMs`, and at once when the stored directory is already older than that. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.scheduled(), this.refreshMs);
    // The schedule alone must not keep the process alive (tests, a server shutting down).
    this.timer.unref();
    void this.store
      .directoryRefreshedAt()
      .then((at) => {
        if (this.timer && (!at || this.now() - at.getTime() >= this.refreshMs)) this.scheduled();
      })
      .catch((err: unknown) => this.log?.warn({ err }, "could not read when the X3 user directory was refreshed"));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private scheduled(): void {
    // load() has logged the failure; a rejection (no directory stored yet) has no caller to go to here.
    this.refresh().catch(() => undefined);
  }

  private async load(): Promise<void> {
    const started = this.now();
    this.lastStart = started;
    try {
      const users = await this.source.listUsers();
      const stored = await this.store.replaceDirectory(users, new Date(started));
      this.filled = true;
      this.failure = null;
      this.log?.info({ users: stored, leftOut: users.length - stored, ms: this.now() - started }, "X3 user directory refreshed");
    } catch (err) {
      const stale = await this.isFilled().catch(() => false);
      this.log?.warn({ err, keptStoredDirectory: stale }, "could not refresh the X3 user directory");
      if (stale) return;
      this.failure = err;
      throw err;
    }
  }

  /**
   * A directory to read: the first use ever waits for X3's listing and fails with it; after such a
   * failure, uses fail with the same error, without asking X3, until a miss may refresh again.
   */
  private async ensureFilled(): Promise<void> {
    if (await this.isFilled()) return;
    if (!this.running && this.failure !== null && this.recentlyStarted()) throw this.failure;
    await this.refresh();
  }

  private async isFilled(): Promise<boolean> {
    this.filled ||= (await this.store.directoryRefreshedAt()) !== null;
    return this.filled;
  }

  /**
   * After a miss: joins the refresh under way, or starts one unless the last started less than
   * `missRefreshMinMs` ago. True when a refresh ran (whether X3 answered or not), so look again.
   */
  private async refreshOnMiss(): Promise<boolean> {
    if (!this.running && this.recentlyStarted()) return false;
    await this.refresh();
    return true;
  }

  private recentlyStarted(): boolean {
    return this.lastStart !== null && this.now() - this.lastStart < this.missRefreshMinMs;
  }
}
