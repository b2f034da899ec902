/**
 * Company policy: defaults for users who have no SYNCPAR row yet, and per-flag locks (a forced value
 * with the reason the user is shown). Set by administrators, or from a JSON file IT provides.
 */
import { z } from "zod";
import { FLAG_CODES, type FlagCode, type Flags } from "./flags";

const partialFlagShape = Object.fromEntries(FLAG_CODES.map((c) => [c, z.boolean().optional()])) as Record<
  FlagCode,
  z.ZodOptional<z.ZodBoolean>
>;

export const LockSchema = z.strictObject({
  value: z.boolean(),
  reason: z.string().trim().min(1).max(300),
});
export type Lock = z.output<typeof LockSchema>;

const lockShape = Object.fromEntries(FLAG_CODES.map((c) => [c, LockSchema.optional()])) as Record<FlagCode, z.ZodOptional<typeof LockSchema>>;

export const PolicySchema = z.strictObject({
  defaults: z.strictObject(partialFlagShape).default({}),
  locks: z.strictObject(lockShape).default({}),
});
export type Policy = z.output<typeof PolicySchema>;
export type Locks = Policy["locks"];

export const EMPTY_POLICY: Policy = { defaults: {}, locks: {} };

/** The flags a user starts from when neither the store nor X3 has a setup for them. */
export function startingFlags(policy: Policy, base: Flags): Flags {
  return applyLocks({ ...base, ...policy.defaults } as Flags, policy.locks);
}

/** The flags with every lock's value forced. */
export function applyLocks(flags: Flags, locks: Locks): Flags {
  const out = { ...flags } as Record<FlagCode, boolean>;
  for (const code of FLAG_CODES) {
    const lock = locks[code];
    if (lock) out[code] = lock.value;
  }
  return out;
}

/** Flags set against their lock. */
export function lockViolations(flags: Flags, locks: Locks): FlagCode[] {
  return FLAG_CODES.filter((c) => locks[c] !== undefined && locks[c]!.value !== flags[c]);
}
