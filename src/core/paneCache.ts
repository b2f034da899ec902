/**
 * What the pane keeps per mailbox (Office roaming settings, or localStorage in the browser preview):
 * the last setup the user saw, and a change not yet accepted by the server. One versioned key; never a
 * token or a secret (roaming settings are readable by other mail clients).
 *
 * Roaming settings roam: Outlook on another computer may run an older or a later version of the add-in
 * against the same value. Hence a hand-written reader (the pane does not ship zod), and these rules:
 * - schema 1 (the current one, and the only one ever written so far) is read strictly: the 23 flags as
 *   booleans and nothing else, versions non-negative integers, dates in ISO form, no unknown key. What
 *   this version writes is exactly that shape, so every version in the field reads it.
 * - a value of a later schema (a number above 1) is read through its schema-1 fields, unknown keys
 *   ignored — a later schema must only add fields, never change these — and the pane does not write over
 *   it unless it has to keep or clear an unsent change (see `mustWrite`).
 * - anything else (not JSON, a missing or older schema, a wrong field) is corrupted: nothing is cached,
 *   the pane loads from the server and replaces the value on its next write.
 */
import { FLAG_CODES, type FlagCode, type Flags, changedFlags } from "./flags";

export const PANE_CACHE_KEY = "x3SyncSetup";
export const PANE_CACHE_SCHEMA = 1;
/** The user's name is kept for the first paint only; a longer one is cut so the value stays small. */
export const CACHED_NAME_MAX = 100;

export interface PendingChange {
  readonly userCode: string;
  readonly flags: Flags;
  /** The version and flags the user started from, for the per-flag merge if the server moved on. */
  readonly baseVersion: number;
  readonly baseFlags: Flags;
  readonly since: string;
}

export interface PaneCache {
  readonly schema: typeof PANE_CACHE_SCHEMA;
  readonly userCode: string;
  readonly userName: string;
  readonly flags: Flags;
  readonly version: number;
  readonly seenAt: string;
  readonly pending: PendingChange | null;
}

/** What the key held when the pane opened. */
export type StoredPaneCache =
  | { readonly state: "empty" }
  | { readonly state: "corrupted" }
  | { readonly state: "current"; readonly cache: PaneCache }
  /** Written by a later version; `cache` is what this version can read of it (null: nothing). */
  | { readonly state: "newer"; readonly schema: number; readonly cache: PaneCache | null };

export function inspectPaneCache(raw: unknown): StoredPaneCache {
  if (raw === undefined || raw === null) return { state: "empty" };
  const value = typeof raw === "string" ? safeJson(raw) : raw;
  if (!isPlainObject(value)) return { state: "corrupted" };
  const schema = value.schema;
  if (schema === PANE_CACHE_SCHEMA) {
    const cache = readFields(value, true);
    return cache ? { state: "current", cache } : { state: "corrupted" };
  }
  if (typeof schema === "number" && Number.isSafeInteger(schema) && schema > PANE_CACHE_SCHEMA) {
    return { state: "newer", schema, cache: readFields(value, false) };
  }
  return { state: "corrupted" };
}

/** A stored value that is missing, corrupted or from an unknown older schema reads as "nothing cached". */
export function readPaneCache(raw: unknown): PaneCache | null {
  const stored = inspectPaneCache(raw);
  return stored.state === "current" || stored.state === "newer" ? stored.cache : null;
}

/**
 * Whether the pane writes `next` over what the key holds. Always, except over a later version's value
 * when there is no unsent change to keep and none of its own to clear: that value is left for the
 * version that wrote it.
 */
export function mustWrite(stored: StoredPaneCache, next: PaneCache): boolean {
  if (stored.state !== "newer") return true;
  return next.pending !== null || stored.cache?.pending != null;
}

/** The value as written: exactly schema 1's fields, the name cut to CACHED_NAME_MAX characters. */
export function storedForm(cache: PaneCache): PaneCache {
  const pending = cache.pending && {
    userCode: cache.pending.userCode,
    flags: flagsOnly(cache.pending.flags),
    baseVersion: cache.pending.baseVersion,
    baseFlags: flagsOnly(cache.pending.baseFlags),
    since: cache.pending.since,
  };
  return {
    schema: PANE_CACHE_SCHEMA,
    userCode: cache.userCode,
    userName: cutName(cache.userName),
    flags: flagsOnly(cache.flags),
    version: cache.version,
    seenAt: cache.seenAt,
    pending,
  };
}

/**
 * Whether a change restored from the cache still has to be sent: not when the server already moved past
 * its base with every flag it changed at the change's value (it was accepted, and clearing it from the
 * cache failed). Sending it again would make a needless version, or undo a later change to another flag.
 */
export function stillToSend(pending: PendingChange, server: { readonly version: number; readonly flags: Flags }): boolean {
  if (server.version <= pending.baseVersion) return true;
  return changedFlags(pending.baseFlags, pending.flags).some((c) => server.flags[c] !== pending.flags[c]);
}

// --- the reader ---

type Fields = Record<string, unknown>;

const CACHE_KEYS = ["schema", "userCode", "userName", "flags", "version", "seenAt", "pending"] as const;
const PENDING_KEYS = ["userCode", "flags", "baseVersion", "baseFlags", "since"] as const;
/** X3 user codes (AUTILIS.USR), as the server gives them. */
const USER_CODE = /^[A-Za-z0-9_]{1,10}$/;
/** As zod's `z.iso.datetime()` took them: UTC, with seconds, fractions optional. */
const ISO_UTC = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?Z$/;

/** `strict`: no key beyond `keys` (the current schema); otherwise unknown keys are ignored (a later one). */
function onlyKnownKeys(value: Fields, keys: readonly string[], strict: boolean): boolean {
  return !strict || Object.keys(value).every((k) => keys.includes(k));
}

function readFields(value: Fields, strict: boolean): PaneCache | null {
  if (!onlyKnownKeys(value, CACHE_KEYS, strict)) return null;
  const { userCode, userName, version, seenAt } = value;
  const flags = readFlags(value.flags);
  if (!isUserCode(userCode) || typeof userName !== "string" || !flags || !isVersion(version) || !isIsoDate(seenAt)) return null;
  let pending: PendingChange | null = null;
  if (value.pending !== null) {
    pending = readPending(value.pending, strict);
    if (!pending) return null;
  }
  return { schema: PANE_CACHE_SCHEMA, userCode, userName: cutName(userName), flags, version, seenAt, pending };
}

function readPending(value: unknown, strict: boolean): PendingChange | null {
  if (!isPlainObject(value) || !onlyKnownKeys(value, PENDING_KEYS, strict)) return null;
  const { userCode, baseVersion, since } = value;
  const flags = readFlags(value.flags);
  const baseFlags = readFlags(value.baseFlags);
  if (!isUserCode(userCode) || !flags || !isVersion(baseVersion) || !baseFlags || !isIsoDate(since)) return null;
  return { userCode, flags, baseVersion, baseFlags, since };
}

/** Exactly the 23 settable flags, each a boolean: a missing, unknown (CLLADXCRE included) or extra key is refused. */
function readFlags(value: unknown): Flags | null {
  if (!isPlainObject(value) || Object.keys(value).length !== FLAG_CODES.length) return null;
  const flags = {} as Record<FlagCode, boolean>;
  for (const code of FLAG_CODES) {
    const v = Object.prototype.hasOwnProperty.call(value, code) ? value[code] : undefined;
    if (typeof v !== "boolean") return null;
    flags[code] = v;
  }
  return flags;
}

function flagsOnly(flags: Flags): Flags {
  return Object.fromEntries(FLAG_CODES.map((c) => [c, flags[c]])) as Record<FlagCode, boolean>;
}

function isUserCode(v: unknown): v is string {
  return typeof v === "string" && USER_CODE.test(v);
}

function isVersion(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** A real calendar date (no 31 February) in UTC ISO form. */
function isIsoDate(v: unknown): v is string {
  if (typeof v !== "string") return false;
  const m = ISO_UTC.exec(v);
  if (!m) return false;
  const time = Date.parse(v);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === m[1];
}

/** Cut on a character boundary (never half a surrogate pair). */
function cutName(name: string): string {
  if (name.length <= CACHED_NAME_MAX) return name;
  return name.slice(0, CACHED_NAME_MAX).replace(/[\uD800-\uDBFF]$/, "");
}

function isPlainObject(v: unknown): v is Fields {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
