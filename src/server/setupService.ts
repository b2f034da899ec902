/**
 * Reading and saving a user's setup. X3's SYNCPAR row is what the synchronization engine reads, so it
 * is the truth the pane must show: a read asks X3 (within a bounded time); when SYNCPAR differs from
 * what was last delivered — someone used GESSYP — the store takes X3's values with a history entry.
 * The store holds every accepted version until X3 has it. Company policy locks are enforced here.
 */
import { allFlags, changedFlags, type Flags } from "../core/flags";
import { applyLocks, lockViolations, type Policy, PolicySchema, startingFlags } from "../core/policy";
import { type Delivery, etagOf, type SyncSetup } from "../core/setup";
import type { OutboxWorker } from "./outbox";
import { ProblemError } from "./problems";
import type { SaveResult, SetupStore, StoredPolicy, StoredSetup } from "./store/setupStore";
import type { X3Port } from "./x3Port";

export interface SetupServiceOptions {
  /** How long a save waits for X3 before answering "waiting for X3". */
  readonly deliveryBudgetMs: number;
  /** How long a read waits for X3's SYNCPAR row before answering "not confirmed by X3". */
  readonly readBudgetMs: number;
}

const DEFAULT_OPTIONS: SetupServiceOptions = { deliveryBudgetMs: 3000, readBudgetMs: 2500 };
const NO_ROW = Symbol("X3 has no SYNCPAR row");
/** The expected version of a write whose If-Match was a weak tag: no setup has it (a weak tag never matches). */
export const WEAK_TAG = -1;
const UNREACHABLE = Symbol("X3 did not answer");
type X3Read = { readonly flags: Flags } | typeof NO_ROW | typeof UNREACHABLE;

/** How old the stored "X3 confirmed at" may get before a read that confirms it again writes it. */
const CONFIRMATION_REFRESH_MS = 60_000;

/** Rounds of "re-read and apply the locks again" when users keep saving while a policy is enforced. */
const ENFORCE_ATTEMPTS = 5;

export class SetupService {
  private readonly options: SetupServiceOptions;

  constructor(
    private readonly store: SetupStore,
    private readonly x3: X3Port,
    private readonly outbox: OutboxWorker,
    options: Partial<SetupServiceOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  policy(): Promise<StoredPolicy> {
    return this.store.policy();
  }

  async read(userCode: string): Promise<SyncSetup> {
    // The store and the delivery state are read before X3, so a delivery that lands while X3 answers is
    // noticed and X3's older row is not mistaken for an edit made in X3.
    const [{ setup: stored, delivery }, { policy }] = await Promise.all([this.store.snapshot(userCode), this.policy()]);
    const x3 = await this.readX3(userCode);
    const settled = await this.reconcile(userCode, stored, delivery, x3, policy);
    // Nothing stored and no row in X3: the defaults are shown, and X3 is said to have no setup yet.
    if (!settled) return this.present(userCode, null, policy, false, x3 === NO_ROW);
    const now = await this.store.delivery(userCode);
    const confirmed = x3 !== UNREACHABLE && flagsEqual(settled.flags, x3);
    const missing = x3 === NO_ROW && now.state !== "pending";
    return this.present(userCode, settled, policy, confirmed, missing, now);
  }

  async save(userCode: string, flags: Flags, expectedVersion: number, actor: string): Promise<SyncSetup> {
    if (expectedVersion > 0) {
      // The writer has seen a stored version, so there is one: the store's compare-and-set decides, with no
      // read first. Only if nothing is stored after all (a store restored from an old backup) does the save
      // go the long way below, which starts from X3's row.
      const saved = await this.write(userCode, flags, expectedVersion, actor, "pane", null, { unknownIfMissing: true });
      if (saved) return saved;
    }
    let stored = await this.store.get(userCode);
    if (!stored) {
      // Never stored: X3's row is the starting point. Without it, the whole flag set written later would
      // silently replace whatever X3 holds, so the save waits (the pane keeps it pending) until X3 answers.
      const [delivery, { policy }] = await Promise.all([this.store.delivery(userCode), this.policy()]);
      const x3 = await this.readX3(userCode);
      if (x3 === UNREACHABLE) {
        throw new ProblemError(503, "x3-unavailable", "X3 must be reached once before your first save: your change is kept and sent when X3 answers.");
      }
      stored = await this.reconcile(userCode, null, delivery, x3, policy);
    }
    return (await this.write(userCode, flags, expectedVersion, actor, "pane", stored))!;
  }

  /** Administrators: back to the flags of a history entry, as a new version. */
  async restore(userCode: string, version: number, expectedVersion: number, actor: string): Promise<SyncSetup> {
    const flags = await this.store.flagsAt(userCode, version);
    if (!flags) throw new ProblemError(404, "not-found", `${userCode} has no version ${version}.`);
    const { policy } = await this.policy();
    return (await this.write(userCode, applyLocks(flags, policy.locks), expectedVersion, actor, "restore", await this.store.get(userCode)))!;
  }

  /**
   * Replaces the company policy and brings every stored setup into line with its locks (a new version
   * each, source "policy", delivered to X3 like any other).
   */
  async updatePolicy(policy: Policy, expectedVersion: number, actor: string): Promise<StoredPolicy> {
    const parsed = PolicySchema.parse(policy);
    if (!(await this.store.savePolicy(parsed, expectedVersion, actor))) {
      const current = await this.policy();
      throw new ProblemError(412, "version-mismatch", `The policy is at version ${current.version}.`, {}, { etag: etagOf(current.version) });
    }
    await this.enforceLocks(parsed, actor);
    return this.policy();
  }

  /**
   * Puts every stored setup that breaks a lock back in line. Saves made from now on are checked against
   * this policy as they commit; a user who saved meanwhile is re-read and corrected again.
   */
  async enforceLocks(policy: Policy, actor: string): Promise<number> {
    let changed = 0;
    for (const first of await this.store.allSetups()) {
      let setup: StoredSetup | null = first;
      for (let attempt = 0; setup && lockViolations(setup.flags, policy.locks).length && attempt < ENFORCE_ATTEMPTS; attempt++) {
        const result: SaveResult = await this.store.save({
          userCode: setup.userCode,
          flags: applyLocks(setup.flags, policy.locks),
          expectedVersion: setup.version,
          baseline: setup.flags,
          actor,
          source: "policy",
          deliver: true,
        });
        if (result.ok) {
          changed += 1;
          setup = null;
        } else {
          setup = result.reason === "version" ? result.current : null;
        }
      }
    }
    return changed;
  }

  private async write(
    userCode: string,
    flags: Flags,
    expectedVersion: number,
    actor: string,
    source: "pane" | "restore",
    stored: StoredSetup | null,
    /** With nothing stored for the user, answer null (the caller goes the long way) instead of 412. */
    { unknownIfMissing = false } = {},
  ): Promise<SyncSetup | null> {
    // The baseline matters only for a first version (nothing stored, expected version 0); a save from a
    // known version needs no policy read before it: the save itself reads it, to check the locks, and with
    // nothing stored it fails its compare-and-set (answered null below) before any baseline is used.
    const before = unknownIfMissing ? null : (await this.policy()).policy;
    const result = await this.store.save({
      userCode,
      flags,
      expectedVersion,
      baseline: stored?.flags ?? (before ? startingFlags(before, allFlags(false)) : allFlags(false)),
      actor,
      source,
      deliver: true,
      checkLocks: true,
    });
    if (!result.ok && result.reason === "locked") {
      throw new ProblemError(409, "flag-locked", `Company policy locks ${result.violations.join(", ")}.`, {
        errors: result.violations.map((code) => ({ path: `flags.${code}`, message: result.policy.locks[code]!.reason })),
      });
    }
    if (!result.ok && result.current === null && unknownIfMissing) return null;
    const policy = result.policy ?? before ?? (await this.policy()).policy;
    if (!result.ok) {
      const current = await this.present(userCode, result.current, policy, false);
      throw new ProblemError(
        412,
        "version-mismatch",
        expectedVersion === WEAK_TAG
          ? `The setup is at version ${current.version}; a weak ETag (W/"…") never matches If-Match, which compares strongly: send "${current.version}".`
          : `The setup is at version ${current.version}; you started from version ${expectedVersion}.`,
        { current },
        { etag: etagOf(current.version) },
      );
    }
    await this.outbox.deliverUserNow(userCode, this.options.deliveryBudgetMs);
    const { setup: now, delivery } = await this.store.snapshot(userCode);
    return this.present(userCode, now ?? result.setup, policy, delivery.state === "delivered", false, delivery);
  }

  /** X3's SYNCPAR row, within the read budget. */
  private async readX3(userCode: string): Promise<X3Read> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const row = await Promise.race([
        this.x3.readSyncpar(userCode),
        new Promise<typeof UNREACHABLE>((resolve) => (timer = setTimeout(() => resolve(UNREACHABLE), this.options.readBudgetMs))),
      ]);
      return row === null ? NO_ROW : row;
    } catch {
      return UNREACHABLE;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Brings the store in line with X3: a first read takes X3's row as version 1; a later difference from
   * what X3 was last given is an edit made in X3 (GESSYP), taken as a new version. Nothing is taken while
   * a delivery is pending (that version is on its way to X3 and will overwrite it), nor when a delivery
   * finished while X3 was being read (X3's answer may predate it).
   */
  private async reconcile(
    userCode: string,
    stored: StoredSetup | null,
    deliveryBefore: Delivery,
    x3: X3Read,
    policy: Policy,
  ): Promise<StoredSetup | null> {
    if (x3 === UNREACHABLE || x3 === NO_ROW) return stored;
    if (stored && flagsEqual(stored.flags, x3)) {
      // The answer says X3 holds these flags now; the stored time is refreshed only when it is getting old,
      // so a pane polling its status (or a Monday morning of reads) is not one write per read.
      const at = Date.now();
      const storedAt = stored.x3ConfirmedAt ? Date.parse(stored.x3ConfirmedAt) : Number.NaN;
      if (!(at - storedAt < CONFIRMATION_REFRESH_MS)) await this.store.markConfirmed(userCode, stored.version);
      return { ...stored, x3ConfirmedAt: new Date(at).toISOString() };
    }
    if (stored) {
      const delivery = await this.store.delivery(userCode);
      if (delivery.state === "pending" || !sameDelivery(delivery, deliveryBefore)) return stored;
      const lastDelivered = await this.store.lastDeliveredFlags(userCode);
      // X3 still holds what it was last given: the stored version is newer (e.g. X3 refused it).
      if (lastDelivered && flagsEqual(lastDelivered, x3)) return stored;
    }
    const taken = await this.store.save({
      userCode,
      flags: x3.flags,
      expectedVersion: stored?.version ?? 0,
      baseline: stored?.flags ?? allFlags(false),
      actor: "X3",
      source: "x3",
      deliver: false,
    });
    if (!taken.ok) return taken.reason === "version" ? taken.current : stored;
    // An X3 edit against a company lock is put back, as any other change would be.
    if (lockViolations(x3.flags, policy.locks).length) {
      await this.enforceLocks(policy, "policy");
      return this.store.get(userCode);
    }
    return taken.setup;
  }

  private async present(
    userCode: string,
    stored: StoredSetup | null,
    policy: Policy,
    confirmedNow: boolean,
    missingInX3 = false,
    /** The delivery state when the caller has just read it. */
    knownDelivery?: Delivery,
  ): Promise<SyncSetup> {
    const locks = Object.fromEntries(Object.entries(policy.locks).filter(([, lock]) => lock !== undefined)) as SyncSetup["locks"];
    if (!stored) {
      return {
        userCode,
        flags: startingFlags(policy, allFlags(false)),
        version: 0,
        updatedAt: null,
        updatedBy: null,
        source: "default",
        delivery: { state: "none", version: 0, at: null, nextAttemptAt: null, message: null },
        x3: { confirmed: false, lastConfirmedAt: null, missing: missingInX3 },
        locks,
      };
    }
    return {
      userCode,
      flags: stored.flags,
      version: stored.version,
      updatedAt: stored.updatedAt,
      updatedBy: stored.updatedBy,
      source: stored.source,
      delivery: knownDelivery ?? (await this.store.delivery(userCode)),
      x3: { confirmed: confirmedNow, lastConfirmedAt: stored.x3ConfirmedAt, missing: missingInX3 },
      locks,
    };
  }
}

function sameDelivery(a: Delivery, b: Delivery): boolean {
  return a.state === b.state && a.version === b.version && a.at === b.at;
}

function flagsEqual(a: Flags, b: X3Read | Flags): boolean {
  if (typeof b === "symbol") return false;
  const flags = "flags" in b ? (b as { flags: Flags }).flags : (b as Flags);
  return changedFlags(a, flags).length === 0;
}
