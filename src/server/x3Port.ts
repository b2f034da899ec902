/**
 * What the server needs from X3. `X3Gateway` (src/x3) is the implementation; tests may pass another.
 */
import type { Flags } from "../core/flags";
import type { X3User } from "../core/setup";

export interface X3Port {
  readSyncpar(userCode: string): Promise<{ readonly flags: Flags } | null>;
  /**
   * Makes X3's row hold `flags`. `base`: the flags X3 was last given for the user, from the store (shared by
   * every replica, kept across restarts), so a port that sends only what changed (SOAP's partial modify)
   * compares with what X3 really got, not with one process's memory.
   */
  writeSyncpar(userCode: string, flags: Flags, options?: { readonly base?: Flags }): Promise<unknown>;
  /** The longest a `writeSyncpar` can take, timeouts and retries included, when the port bounds it. */
  readonly writeSyncparBoundMs?: number;
  findUsersByEmail(email: string): Promise<X3User[]>;
  /**
   * True when `findUsersByEmail` reads a stored copy (the SOAP directory, which bounds its own X3 reads on a
   * miss): sign-in lookups then need no per-second budget of their own.
   */
  readonly usersFromStore?: boolean;
  /** Any answer from X3 about this user, straight from X3 (readiness); `getUser` when absent. */
  ping?(userCode: string): Promise<void>;
  getUser(code: string): Promise<X3User | null>;
  listUsers(): Promise<X3User[]>;
  userParameters(code: string): Promise<{ readonly AUSCRMA: string | null; readonly AUSCRMF: string | null }>;
  folderParameters(): Promise<Readonly<Record<string, boolean | null>>>;
  syncData(userCode: string): Promise<readonly { readonly type: string; readonly action: string }[]>;
}

/** An error that is X3's answer (or its silence), as the gateway types them: it says whether a retry may help. */
export function isX3Error(err: unknown): err is Error & { transient: boolean } {
  return err instanceof Error && typeof (err as { transient?: unknown }).transient === "boolean";
}

/** X3 errors say whether trying again may help (timeouts, 5xx, refused or reset connections). */
export function isTransientX3Error(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { transient?: unknown }).transient === true;
}

/** X3 does not publish this object to the server (SOAP without the optional api1 class): not an outage. */
export function isNotPublished(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { kind?: unknown }).kind === "notPublished";
}

/** A message safe to show and store: X3's own words for a refusal, a short kind otherwise. */
export function x3ErrorMessage(err: unknown): string {
  return err instanceof Error ? err.message : "X3 did not answer as expected";
}
