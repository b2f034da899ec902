/**
 * Presets: whole setups a user picks in one step, as CRM sync products offer a direction per object.
 * Applying one never touches a flag company policy locks or an entity the X3 folder does not
 * synchronize; the pane shows the resulting changes before anything is saved.
 */
import { type Entity, FLAGS, type FlagCode, type Flags } from "../core/flags";
import type { Locks } from "../core/policy";

export const PRESETS = ["twoWay", "x3ToOutlook", "outlookToX3", "neverDelete", "off"] as const;
export type Preset = (typeof PRESETS)[number];

const RULES: Readonly<Record<Preset, (f: (typeof FLAGS)[number]) => boolean>> = {
  twoWay: () => true,
  x3ToOutlook: (f) => f.side === "outlook",
  outlookToX3: (f) => f.side === "x3",
  // Everything created and updated both ways; nothing is ever deleted on either side.
  neverDelete: (f) => f.action !== "delete",
  off: () => false,
};

export interface PresetChange {
  readonly code: FlagCode;
  readonly from: boolean;
  readonly to: boolean;
}

export interface PresetResult {
  readonly flags: Flags;
  /** Flags the preset changes, in catalogue order. */
  readonly changes: readonly PresetChange[];
  /** Flags the preset would have changed but policy locks or the X3 folder keep as they are. */
  readonly kept: readonly FlagCode[];
}

export function applyPreset(
  preset: Preset,
  current: Flags,
  locks: Locks,
  entitiesOff: Readonly<Partial<Record<Entity, unknown>>>,
): PresetResult {
  const flags = { ...current } as Record<FlagCode, boolean>;
  const changes: PresetChange[] = [];
  const kept: FlagCode[] = [];
  for (const f of FLAGS) {
    const wanted = RULES[preset](f);
    if (wanted === current[f.code]) continue;
    if (locks[f.code] !== undefined || entitiesOff[f.entity]) {
      kept.push(f.code);
      continue;
    }
    flags[f.code] = wanted;
    changes.push({ code: f.code, from: current[f.code], to: wanted });
  }
  return { flags, changes, kept };
}

/** Delete flags a change turns on: each needs the user's informed consent. */
export function deletionsTurnedOn(before: Flags, after: Partial<Flags>): FlagCode[] {
  return FLAGS.filter((f) => f.action === "delete" && after[f.code] === true && before[f.code] === false).map((f) => f.code);
}
