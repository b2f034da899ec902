/**
 * What the next synchronization does with the X3 changes waiting for it (SYNCDATA), given the flags.
 * Zod-free, for the pane's impact preview; src/core/impact.ts declares the payload schemas (checking
 * that their output is PendingChanges) and re-exports all of this for the server.
 */
import { type Action, ENTITIES, type Entity, type FlagCode, flagCodeOf, type Flags, isFlagCode } from "./flags";

/** Per entity, how many waiting X3 creations, updates and deletions. */
export type PendingChanges = { [E in Entity]: Record<Action, number> };

export interface ImpactLine {
  readonly entity: Entity;
  readonly action: Action;
  readonly flag: FlagCode;
  readonly count: number;
  /** True: the next synchronization applies them in Outlook; false: the flag keeps them out. */
  readonly applied: boolean;
}

/** Per entity and action with waiting changes, whether the given (possibly unsaved) flags let them through. */
export function impactOf(pending: PendingChanges, flags: Flags): ImpactLine[] {
  const lines: ImpactLine[] = [];
  for (const entity of ENTITIES) {
    for (const action of ["create", "update", "delete"] as const) {
      const count = pending[entity][action];
      const flag = flagCodeOf(entity, "outlook", action);
      if (count === 0 || !isFlagCode(flag)) continue;
      lines.push({ entity, action, flag, count, applied: flags[flag] });
    }
  }
  return lines;
}
