/**
 * Company policy locks: a forced value per flag, with the reason the user is shown. The types and the
 * functions the pane needs live here, zod-free, so the pane does not ship zod; src/core/policy.ts declares
 * the schema (its output type is checked there to be exactly these) and re-exports everything.
 */
import { FLAG_CODES, type FlagCode, type Flags } from "./flags";

export interface Lock {
  readonly value: boolean;
  readonly reason: string;
}

/** Flag code → its lock; a flag without a lock is absent. */
export type Locks = { readonly [C in FlagCode]?: Lock };

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
