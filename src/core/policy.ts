/**
 * Company policy: defaults for users who have no SYNCPAR row yet, and per-flag locks (a forced value
 * with the reason the user is shown). Set by administrators, or from a JSON file IT provides.
 */
import { z } from "zod";
import { FLAG_CODES, type FlagCode, type Flags } from "./flags";
import { applyLocks, type Lock, type Locks } from "./locks";
import type { SameType } from "./sameType";

// The pane imports these from ./locks (zod-free); the server keeps importing them from here.
export { applyLocks, type Lock, type Locks, lockViolations } from "./locks";

const partialFlagShape = Object.fromEntries(FLAG_CODES.map((c) => [c, z.boolean().optional()])) as Record<
  FlagCode,
  z.ZodOptional<z.ZodBoolean>
>;

export const LockSchema = z.strictObject({
  value: z.boolean(),
  reason: z.string().trim().min(1).max(300),
});
true satisfies SameType<z.output<typeof LockSchema>, Lock>;

const lockShape = Object.fromEntries(FLAG_CODES.map((c) => [c, LockSchema.optional()])) as Record<FlagCode, z.ZodOptional<typeof LockSchema>>;

export const PolicySchema = z.strictObject({
  defaults: z.strictObject(partialFlagShape).default({}),
  locks: z.strictObject(lockShape).default({}),
});
export type Policy = z.output<typeof PolicySchema>;
true satisfies SameType<Policy["locks"], Locks>;

export const EMPTY_POLICY: Policy = { defaults: {}, locks: {} };

/** The flags a user starts from when neither the store nor X3 has a setup for them. */
export function startingFlags(policy: Policy, base: Flags): Flags {
  return applyLocks({ ...base, ...policy.defaults } as Flags, policy.locks);
}
