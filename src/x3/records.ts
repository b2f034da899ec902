/**
 * X3 records as the add-in sees them, and the mapping from api1 JSON. A field that is missing or
 * unreadable where we depend on it is a protocol error: guessing "No" would silently change a setup.
 */
import { FLAG_CODES, type FlagCode, type Flags } from "../core/flags";
import type { X3User } from "../core/setup";
import { decodeYesNo, isYesNoValue, type YesNoEncoding } from "../core/x3YesNo";
import { X3Error } from "./errors";
import type { X3Body } from "./transport";

export interface SyncparRow {
  readonly userCode: string;
  /** The 23 settable flags; CLLADXCRE is read, not reported. */
  readonly flags: Flags;
  /** X3's `$etag`: changes on every update, what concurrent changes are detected by. */
  readonly etag: string | null;
  /** UPDDATTIM as X3 sent it. */
  readonly updatedAt: string | null;
}

export const FOLDER_PARAMETERS = ["CRMSYNC", "CRMSYNCCOR", "CRMSYNCTSK", "CRMSYNCCLL", "CRMSYNCBAP"] as const;
export type FolderParameter = (typeof FOLDER_PARAMETERS)[number];
export type FolderParameters = Readonly<Record<FolderParameter, boolean | null>>;

export const USER_PARAMETERS = ["AUSCRMA", "AUSCRMF"] as const;
export type UserParameter = (typeof USER_PARAMETERS)[number];
export type UserParameters = Readonly<Record<UserParameter, string | null>>;

/** SYNCDATA.SYDTYP: Outlook contact, task, call, appointment. */
export const SYNC_DATA_TYPES = ["COR", "TSK", "CLL", "BAP"] as const;
export type SyncDataType = (typeof SYNC_DATA_TYPES)[number];
/** SYNCDATA.SYDATTTYP: create, modify, delete (A = annulation), change of owner (P), forced (R). */
export const SYNC_DATA_ACTIONS = ["C", "M", "A", "P", "R"] as const;
export type SyncDataAction = (typeof SYNC_DATA_ACTIONS)[number];

/** An X3 change waiting for the next synchronization. */
export interface SyncDataRow {
  readonly userCode: string;
  readonly type: SyncDataType;
  readonly action: SyncDataAction;
  /** The X3 record's key (SYDKEY). */
  readonly key: string;
}

export function text(record: X3Body, field: string, operation: string): string {
  const value = record[field];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  throw new X3Error("protocol", `field ${field} is missing or not text`, { operation });
}

export function optionalText(record: X3Body, field: string): string | null {
  const value = record[field];
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

export function yesNo(record: X3Body, field: string, encoding: YesNoEncoding, operation: string): boolean {
  const raw = record[field];
  if (!isYesNoValue(raw, encoding)) {
    throw new X3Error("protocol", `field ${field} is not a yes/no value (${encoding}): ${JSON.stringify(raw)}`, {
      operation,
    });
  }
  return decodeYesNo(raw, encoding);
}

export function parseSyncpar(
  record: X3Body,
  encoding: YesNoEncoding,
  operation: string,
): { row: SyncparRow; clladxcre: boolean | null } {
  const flags = Object.fromEntries(FLAG_CODES.map((c) => [c, yesNo(record, c, encoding, operation)])) as Record<
    FlagCode,
    boolean
  >;
  // A representation may leave CLLADXCRE out; when present it must still be a yes/no value.
  const clladxcre = record.CLLADXCRE === undefined ? null : yesNo(record, "CLLADXCRE", encoding, operation);
  const etag = record.$etag;
  return {
    row: {
      userCode: text(record, "SYPUSR", operation),
      flags,
      etag: typeof etag === "string" || typeof etag === "number" ? String(etag) : null,
      updatedAt: optionalText(record, "UPDDATTIM"),
    },
    clladxcre,
  };
}

/** AUTILIS → X3User. The name is INTUSR ([S]: the user's name in compiled dictionaries of AUTILIS). */
export function parseUser(record: X3Body, operation: string): X3User {
  return {
    code: text(record, "USR", operation),
    name: optionalText(record, "INTUSR") ?? "",
    email: optionalText(record, "ADDEML") ?? "",
    language: optionalText(record, "LAN"),
  };
}

function oneOf<T extends string>(allowed: readonly T[], record: X3Body, field: string, operation: string): T {
  const value = text(record, field, operation);
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new X3Error("protocol", `field ${field} has an unknown value ${JSON.stringify(value)}`, { operation });
}

export function parseSyncData(record: X3Body, operation: string): SyncDataRow {
  return {
    userCode: text(record, "SYDUSR", operation),
    type: oneOf(SYNC_DATA_TYPES, record, "SYDTYP", operation),
    action: oneOf(SYNC_DATA_ACTIONS, record, "SYDATTTYP", operation),
    key: text(record, "SYDKEY", operation),
  };
}
