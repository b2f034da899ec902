/**
 * What the pane keeps per mailbox (Office roaming settings, or localStorage in the browser preview):
 * the last setup the user saw, and a change not yet accepted by the server. One versioned key; never a
 * token or a secret (roaming settings are readable by other mail clients).
 */
import { z } from "zod";
import { FlagsSchema } from "./setup";

export const PANE_CACHE_KEY = "x3SyncSetup";
export const PANE_CACHE_SCHEMA = 1;

export const PendingChangeSchema = z.strictObject({
  userCode: z.string(),
  flags: FlagsSchema,
  /** The version and flags the user started from, for the per-flag merge if the server moved on. */
  baseVersion: z.number().int().nonnegative(),
  baseFlags: FlagsSchema,
  since: z.iso.datetime(),
});
export type PendingChange = z.output<typeof PendingChangeSchema>;

export const PaneCacheSchema = z.strictObject({
  schema: z.literal(PANE_CACHE_SCHEMA),
  userCode: z.string(),
  userName: z.string(),
  flags: FlagsSchema,
  version: z.number().int().nonnegative(),
  seenAt: z.iso.datetime(),
  pending: PendingChangeSchema.nullable(),
});
export type PaneCache = z.output<typeof PaneCacheSchema>;

/** A stored value that is missing, corrupted or from another schema version reads as "nothing cached". */
export function readPaneCache(raw: unknown): PaneCache | null {
  const parsed = PaneCacheSchema.safeParse(typeof raw === "string" ? safeJson(raw) : raw);
  return parsed.success ? parsed.data : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
