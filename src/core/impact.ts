/**
 * Impact preview: X3 changes waiting for the next synchronization (SYNCDATA) and what the flags will do
 * with them. Each is an X3 change applied in Outlook, so the "in Outlook (from X3)" flag of its entity
 * and action decides: applied when on, kept out of Outlook when off.
 */
import { z } from "zod";
import { type Action, ENTITIES, type Entity } from "./flags";
import type { PendingChanges } from "./impactLines";
import type { SameType } from "./sameType";

// The pane's impact preview imports these from ./impactLines (zod-free); the server from here.
export { type ImpactLine, impactOf, type PendingChanges } from "./impactLines";

/** SYNCDATA's SYDTYP and SYDATTTYP codes (X3-CONTRACT.md). */
const ENTITY_OF_TYPE: Readonly<Record<string, Entity>> = { COR: "contact", TSK: "task", CLL: "call", BAP: "appointment" };
/**
 * C create, M modify, A delete. [I] P (change of owner) and R (forced) re-send the record: they count as
 * updates.
 */
const ACTION_OF_CODE: Readonly<Record<string, Action>> = { C: "create", M: "update", A: "delete", P: "update", R: "update" };

const countsShape = z.strictObject({ create: z.number().int().nonnegative(), update: z.number().int().nonnegative(), delete: z.number().int().nonnegative() });
export const PendingChangesSchema = z.strictObject({
  contact: countsShape,
  task: countsShape,
  call: countsShape,
  appointment: countsShape,
});
true satisfies SameType<z.output<typeof PendingChangesSchema>, PendingChanges>;

export const ImpactResponseSchema = z.strictObject({
  userCode: z.string(),
  pending: PendingChangesSchema,
  /** When X3 was read. */
  at: z.iso.datetime(),
});
export type ImpactResponse = z.output<typeof ImpactResponseSchema>;

export function countPendingChanges(rows: readonly { type: string; action: string }[]): PendingChanges {
  const counts = Object.fromEntries(ENTITIES.map((e) => [e, { create: 0, update: 0, delete: 0 }])) as {
    [E in Entity]: Record<Action, number>;
  };
  for (const row of rows) {
    const entity = ENTITY_OF_TYPE[row.type];
    const action = ACTION_OF_CODE[row.action];
    if (entity && action) counts[entity][action] += 1;
  }
  return counts;
}
