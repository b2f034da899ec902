/**
 * Fault injection for tests and demos: one fault at a time, applied to api1 requests, for `count`
 * requests or until cleared, optionally after letting `after` requests through (to hit the write that
 * follows a read, say).
 */
import { z } from "zod";

const common = {
  count: z.number().int().positive().nullable().default(null),
  after: z.number().int().nonnegative().default(0),
};

export const FaultSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("unavailable"), ...common }),
  z.strictObject({ kind: z.literal("reset"), ...common }),
  z.strictObject({ kind: z.literal("latency"), ...common, ms: z.number().int().nonnegative().max(600_000) }),
  z.strictObject({ kind: z.literal("diagnoses"), ...common, message: z.string().min(1).max(500).default("Emulated X3 error") }),
]);
export type Fault = z.output<typeof FaultSchema>;
/** A fault as callers write it: `count` and `after` may be left out. */
export type FaultInput = z.input<typeof FaultSchema>;

export class FaultInjector {
  private fault: Fault | null = null;
  /** Requests still to be affected; null: until cleared. */
  private remaining: number | null = null;
  /** Requests still to let through before the fault applies. */
  private skipping = 0;

  set(fault: FaultInput): void {
    const parsed = FaultSchema.parse(fault);
    this.fault = parsed;
    this.remaining = parsed.count;
    this.skipping = parsed.after;
  }

  clear(): void {
    this.fault = null;
    this.remaining = null;
    this.skipping = 0;
  }

  /** The fault to apply to the request now arriving, counting it down. */
  take(): Fault | null {
    const fault = this.fault;
    if (!fault) return null;
    if (this.skipping > 0) {
      this.skipping -= 1;
      return null;
    }
    if (this.remaining !== null) {
      this.remaining -= 1;
      if (this.remaining <= 0) this.clear();
    }
    return fault;
  }

  current(): { fault: Fault | null; remaining: number | null } {
    return { fault: this.fault, remaining: this.remaining };
  }
}
