/**
 * Per-flag three-way merge. Flags are independent, so after a 412 the pane only asks the user about a
 * flag that both sides changed, to different values; every other change merges silently.
 */
import { FLAG_CODES, type FlagCode, type Flags } from "./flags";

export interface MergeResult {
  readonly merged: Flags;
  /** Flags changed on both sides to different values; `merged` holds the server's value for them. */
  readonly conflicts: readonly FlagCode[];
}

export function mergeFlags(base: Flags, mine: Flags, theirs: Flags): MergeResult {
  const merged = { ...theirs } as Record<FlagCode, boolean>;
  const conflicts: FlagCode[] = [];
  for (const code of FLAG_CODES) {
    const iChanged = mine[code] !== base[code];
    if (!iChanged) continue;
    const theyChanged = theirs[code] !== base[code];
    if (theyChanged && theirs[code] !== mine[code]) conflicts.push(code);
    else merged[code] = mine[code];
  }
  return { merged, conflicts };
}
