/**
 * Where the pane keeps its cache: Office roaming settings in Outlook, localStorage in the browser preview.
 * Roaming `saveAsync` calls are queued one at a time (Outlook on the web runs at most three at once) and a
 * transient failure is retried with growing waits; a failure that stays is reported to the caller, never
 * swallowed. A failed save leaves the value set in Office's in-memory settings (Office does not roll it
 * back), so the next successful save writes the latest value the pane set: nothing set is lost by a failure.
 */
export interface SettingsStore {
  readonly kind: "roaming" | "local";
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  remove(key: string): void;
  /** Persists what was set; rejects with `SettingsSaveError`. */
  save(): Promise<void>;
}

export class SettingsSaveError extends Error {
  constructor(
    readonly code: number | string,
    message: string,
  ) {
    super(message);
  }
  /** 9057: the add-in's settings (all its keys together) would exceed 32 KB. Trying again does not help. */
  get tooLarge(): boolean {
    return Number(this.code) === 9057;
  }
  /** 9019: Office's internal error (the mailbox was busy, the connection dropped): worth another try. */
  get transient(): boolean {
    return TRANSIENT_CODES.has(Number(this.code));
  }
}

const TRANSIENT_CODES = new Set([9019]);

/** Waits before the second, third and fourth try of a transient failure (about 7.5 s in all). */
export const ROAMING_RETRY_DELAYS_MS: readonly number[] = [500, 2000, 5000];

export class RoamingSettingsStore implements SettingsStore {
  readonly kind = "roaming" as const;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly settings: Office.RoamingSettings,
    private readonly retryDelaysMs: readonly number[] = ROAMING_RETRY_DELAYS_MS,
  ) {}

  get(key: string): unknown {
    return this.settings.get(key);
  }
  set(key: string, value: unknown): void {
    this.settings.set(key, value);
  }
  remove(key: string): void {
    this.settings.remove(key);
  }

  save(): Promise<void> {
    const run = this.queue.then(() => this.saveWithRetry());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async saveWithRetry(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.saveOnce();
        return;
      } catch (err) {
        const delay = this.retryDelaysMs[attempt];
        if (!(err instanceof SettingsSaveError) || !err.transient || delay === undefined) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private saveOnce(): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.settings.saveAsync((result) => {
          // Compared by value so the adapter does not depend on the Office global being loaded.
          if (String(result.status) === "succeeded") resolve();
          else reject(new SettingsSaveError(result.error?.code ?? "unknown", result.error?.message ?? "saveAsync failed"));
        });
      } catch (err) {
        // Some hosts throw instead of calling back (e.g. a value Office cannot serialize).
        reject(new SettingsSaveError("unknown", err instanceof Error ? err.message : "saveAsync failed"));
      }
    });
  }
}

export class LocalSettingsStore implements SettingsStore {
  readonly kind = "local" as const;
  private readonly pendingWrites = new Map<string, unknown>();

  constructor(
    private readonly storage: Storage,
    private readonly prefix = "x3-sync-setup:",
  ) {}

  get(key: string): unknown {
    if (this.pendingWrites.has(key)) return this.pendingWrites.get(key);
    const raw = this.storage.getItem(this.prefix + key);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  set(key: string, value: unknown): void {
    this.pendingWrites.set(key, value);
  }
  remove(key: string): void {
    this.pendingWrites.set(key, undefined);
  }
  async save(): Promise<void> {
    try {
      for (const [key, value] of this.pendingWrites) {
        if (value === undefined) this.storage.removeItem(this.prefix + key);
        else this.storage.setItem(this.prefix + key, JSON.stringify(value));
      }
      this.pendingWrites.clear();
    } catch (err) {
      throw new SettingsSaveError("storage", err instanceof Error ? err.message : "localStorage refused the write");
    }
  }
}
