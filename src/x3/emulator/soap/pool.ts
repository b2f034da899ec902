/**
 * An X3 classic SOAP pool as the bench sees it: K web-service children, each call holding one for
 * `callMs`; the (K+1)th call waits its turn, first come first served. Zero children is the host with
 * no web-service child processes: nothing is accepted.
 */
import { z } from "zod";

export const PoolModelSchema = z.strictObject({
  children: z.number().int().nonnegative().max(1000),
  callMs: z.number().int().nonnegative().max(600_000),
});
export type PoolModel = z.output<typeof PoolModelSchema>;

/** No wait worth modelling unless asked: many children, instant calls. */
export const DEFAULT_POOL_MODEL: PoolModel = { children: 64, callMs: 0 };

export interface PoolEntry {
  /** Which child took the call (technicalInfos.poolEntryIdx). */
  readonly index: number;
  readonly waitMs: number;
  release(): void;
}

export class ChannelPool {
  private model: PoolModel;
  private readonly busy = new Set<number>();
  /** Calls waiting for a child, oldest first; each is handed the child's index. */
  private readonly waiting: ((index: number) => void)[] = [];

  constructor(model: PoolModel = DEFAULT_POOL_MODEL) {
    this.model = PoolModelSchema.parse(model);
  }

  set(model: PoolModel): void {
    this.model = PoolModelSchema.parse(model);
    this.handOver();
  }

  state(): PoolModel & { readonly busy: number; readonly waiting: number } {
    return { ...this.model, busy: this.busy.size, waiting: this.waiting.length };
  }

  get callMs(): number {
    return this.model.callMs;
  }

  get accepting(): boolean {
    return this.model.children > 0;
  }

  /** Takes a free child, or waits for one behind earlier callers; null when `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<PoolEntry | null> {
    const started = performance.now();
    const free = this.waiting.length === 0 ? this.freeIndex() : null;
    if (free !== null) {
      this.busy.add(free);
      return this.entry(free, started);
    }
    const granted = await new Promise<number | null>((resolve) => {
      if (signal.aborted) return resolve(null);
      const waiter = (index: number): void => {
        signal.removeEventListener("abort", onAbort);
        resolve(index);
      };
      const onAbort = (): void => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(null);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
    return granted === null ? null : this.entry(granted, started);
  }

  private entry(index: number, started: number): PoolEntry {
    let released = false;
    return {
      index,
      waitMs: performance.now() - started,
      release: () => {
        if (released) return;
        released = true;
        this.busy.delete(index);
        this.handOver();
      },
    };
  }

  private freeIndex(): number | null {
    for (let i = 0; i < this.model.children; i += 1) if (!this.busy.has(i)) return i;
    return null;
  }

  /** Gives free children to waiting calls, in arrival order (no overtaking). */
  private handOver(): void {
    for (;;) {
      const index = this.waiting.length > 0 ? this.freeIndex() : null;
      const next = index === null ? undefined : this.waiting.shift();
      if (index === null || !next) return;
      this.busy.add(index);
      next(index);
    }
  }
}
