/**
 * Reading and saving a user's setup: the store holds every accepted version, X3's SYNCPAR row is what the
 * synchronization engine reads. A setup never stored before starts from X3's row when X3 has one.
 */
import { allFlags, type Flags } from "../core/flags";
import type { SyncSetup } from "../core/setup";
import type { OutboxWorker } from "./outbox";
import { ProblemError } from "./problems";
import type { SetupStore, StoredSetup } from "./store/setupStore";
import type { X3Port } from "./x3Port";

/** What a user with no SYNCPAR row yet gets: nothing synchronizes until they decide. */
export const DEFAULT_FLAGS: Flags = allFlags(false);

export interface SetupServiceOptions {
  /** How long a save waits for X3 before answering "waiting for X3". */
  readonly deliveryBudgetMs: number;
}

export class SetupService {
  constructor(
    private readonly store: SetupStore,
    private readonly x3: X3Port,
    private readonly outbox: OutboxWorker,
    private readonly options: SetupServiceOptions = { deliveryBudgetMs: 3000 },
  ) {}

  async read(userCode: string): Promise<SyncSetup> {
    const stored = (await this.store.get(userCode)) ?? (await this.importFromX3(userCode));
    return this.present(userCode, stored);
  }

  async save(userCode: string, flags: Flags, expectedVersion: number, actor: string): Promise<SyncSetup> {
    const stored = (await this.store.get(userCode)) ?? (await this.importFromX3(userCode));
    const result = await this.store.save({
      userCode,
      flags,
      expectedVersion,
      baseline: stored?.flags ?? DEFAULT_FLAGS,
      actor,
      source: "pane",
      deliver: true,
    });
    if (!result.ok) {
      const current = await this.present(userCode, result.current);
      throw new ProblemError(
        412,
        "version-mismatch",
        `The setup is at version ${current.version}; you started from version ${expectedVersion}.`,
        { current },
        { etag: `"${current.version}"` },
      );
    }
    await this.outbox.deliverUserNow(userCode, this.options.deliveryBudgetMs);
    return this.present(userCode, result.setup);
  }

  /** Takes X3's SYNCPAR row as version 1 when the store has none; null when X3 has none either. */
  private async importFromX3(userCode: string): Promise<StoredSetup | null> {
    let row: { flags: Flags } | null;
    try {
      row = await this.x3.readSyncpar(userCode);
    } catch {
      // Without X3's answer the defaults are shown; the first save still reaches X3 through the outbox,
      // which reports whatever X3 then says.
      return null;
    }
    if (!row) return null;
    const result = await this.store.save({
      userCode,
      flags: row.flags,
      expectedVersion: 0,
      baseline: DEFAULT_FLAGS,
      actor: "X3",
      source: "x3",
      deliver: false,
    });
    return result.ok ? result.setup : result.current;
  }

  private async present(userCode: string, stored: StoredSetup | null): Promise<SyncSetup> {
    if (!stored) {
      return {
        userCode,
        flags: DEFAULT_FLAGS,
        version: 0,
        updatedAt: null,
        updatedBy: null,
        source: "default",
        delivery: { state: "none", version: 0, at: null, nextAttemptAt: null, message: null },
      };
    }
    return {
      userCode,
      flags: stored.flags,
      version: stored.version,
      updatedAt: stored.updatedAt,
      updatedBy: stored.updatedBy,
      source: stored.source,
      delivery: await this.store.delivery(userCode),
    };
  }
}
