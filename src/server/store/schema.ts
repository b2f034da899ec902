/** The store's tables, as Kysely sees them. Timestamps are ISO-8601 UTC strings; JSON columns are text. */
import type { Generated } from "kysely";

export interface SetupTable {
  user_code: string;
  /** JSON of the 23 flags. */
  flags: string;
  version: number;
  updated_at: string;
  /** Who made the change: an e-mail for pane edits, "X3" for changes read from X3. */
  updated_by: string;
  source: string;
  x3_confirmed_at: string | null;
}

export interface HistoryTable {
  id: Generated<number>;
  user_code: string;
  version: number;
  at: string;
  actor: string;
  source: string;
  /** JSON array of { code, from, to }. */
  changes: string;
}

export const OUTBOX_STATES = ["pending", "delivered", "failed", "superseded"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxTable {
  id: Generated<number>;
  user_code: string;
  version: number;
  /** JSON of the 23 flags of that version: each delivery writes the full set, so a repeat is harmless. */
  flags: string;
  state: OutboxState;
  attempts: number;
  created_at: string;
  next_attempt_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
  message: string | null;
  lease_owner: string | null;
  lease_until: string | null;
}

/** Last known mailbox → X3 user mapping, so the pane still works while X3 cannot be reached. */
export interface X3UserTable {
  email: string;
  user_code: string;
  name: string;
  language: string | null;
  seen_at: string;
}

/** The person a mailbox address was first signed in as (Entra ID tenant and object id): see IdentityResolver. */
export interface IdentityBindingTable {
  email: string;
  tenant_id: string;
  object_id: string;
  bound_at: string;
}

/** The directory of X3 users, a copy of X3's AUTILIS replaced as a whole at each refresh. */
export interface X3DirectoryTable {
  user_code: string;
  name: string;
  /** As X3 holds it (trimmed); `email_lower` is what mailboxes are matched against. */
  email: string;
  email_lower: string;
  language: string | null;
}

/** One row (id 1), written with each complete refresh of the directory. */
export interface X3DirectoryStateTable {
  id: number;
  refreshed_at: string;
}

/** Company policy: one row (id 1) holding the JSON document, versioned like a setup. */
export interface PolicyTable {
  id: number;
  document: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

export interface Database {
  policy: PolicyTable;
  setup: SetupTable;
  history: HistoryTable;
  outbox: OutboxTable;
  x3_user: X3UserTable;
  identity_binding: IdentityBindingTable;
  x3_directory: X3DirectoryTable;
  x3_directory_state: X3DirectoryStateTable;
}
