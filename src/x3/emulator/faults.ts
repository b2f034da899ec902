/**
 * Fault injection for tests and demos: one fault at a time, applied to api1 requests, for `count`
 * requests or until cleared.
 */
import { z } from "zod";

export const FaultSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("unavailable"), count: z.number().int().positive().nullable().default(null) }),
  z.strictObject({ kind: z.literal("reset"), count: z.number().int().positive().nullable().default(null) }),
  z.strictObject({
    kind: z.literal("latency"),
    count: z.number().int().positive().nullable().default(null),
    ms: z.number().int().nonnegative().max(600_000),
  }),
  z.strictObject({
    kind: z.literal("diagnoses"),
    count: z.number().int().positive().nullable().default(null),
    message: z.string().min(1).max(500).default("Emulated X3 error"),
  }),
]);
export type Fault = z.output<typeof FaultSchema>;

export class FaultInjector {
  private fault: Fault | null = null;
  /** Requests still to be affected; null: until cleared. */
  private remaining: number | null = null;

  set(fault: Fault): void {
    this.fault = fault;
    this.remaining = fault.count;
  }

  clear(): void {
    this.fault = null;
    this.remaining = null;
  }

  /** The fault to apply to the request now arriving, counting it down. */
  take(): Fault | null {
    const fault = this.fault;
    if (!fault) return null;
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
