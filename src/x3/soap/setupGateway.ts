/**
 * Synchronization setups (SYNCPAR) through the GESAWE publication of object SYP (GESSYP), key SYPUSR.
 *
 * - `readSyncpar` is X3's truth.
 * - `writeSyncpar` sends `modify` with only the flags that differ from the X3 row last seen, so a GESSYP
 *   edit of other flags survives; the answer, the whole record, is the new truth. One X3 call when the
 *   row was seen before (kept here per user, or given by the caller), two at most otherwise.
 * - "The record does not exist" is never read from a message's wording (X3 words it per language): a
 *   refused read or modify followed by a `save` that X3 accepts proves it; a refused save leads to a
 *   re-read, and X3's own words are reported.
 * - CLLADXCRE is not on the GESSYP screen and may not be published: it is never sent, and never required.
 */
import { FLAG_CODES, type FlagCode, type Flags } from "../../core/flags";
import { decodeYesNo, encodeYesNo } from "../../core/x3YesNo";
import { X3Error } from "../errors";
import type { SyncparRow } from "../records";
import { sendBoundMs } from "../transport";
import { absentFromQuery, isPermanentRefusal } from "./absence";
import type { SoapObjectService } from "./client";
import { FieldGroupBook } from "./fieldGroups";
import { buildParam, type ParamField, type X3ObjectData } from "./payload";

export const SETUP_KEY_FIELD = "SYPUSR";
/** Rows remembered for one-call deliveries; beyond that the oldest are forgotten (they cost one read more). */
const MAX_REMEMBERED_ROWS = 20_000;

export interface SoapWriteSyncparOptions {
  /**
   * The X3 row the caller last saw (e.g. its store's copy); null: it believes X3 has none. Omitted: the
   * row this gateway last saw, else a read.
   */
  readonly base?: SyncparRow | null;
}

/** X3 keeps user codes in upper case; callers may hold them as typed. */
export function x3UserCode(code: string): string {
  const normalized = code.trim().toUpperCase();
  if (!normalized) throw new RangeError("An X3 user code is required");
  return normalized;
}

export class SoapSetupGateway {
  private readonly groups: FieldGroupBook;
  private readonly lastSeen = new Map<string, SyncparRow>();
  private readonly publication: string;

  constructor(private readonly client: SoapObjectService) {
    this.publication = client.config.setupPublication;
    this.groups = new FieldGroupBook(client, this.publication, client.config.setupGroups, SETUP_KEY_FIELD);
  }

  /**
   * The longest `writeSyncpar` can take: at worst a refused read, the groups looked up (getDescription,
   * query, read), a refused save, a re-read and a modify, each within its deadline and read retries.
   */
  get writeSyncparBoundMs(): number {
    return 5 * sendBoundMs(this.client.config, "GET") + 2 * sendBoundMs(this.client.config, "POST");
  }

  /** The row this gateway last saw for the user (from a read, modify or save), if any. */
  lastSeenRow(userCode: string): SyncparRow | undefined {
    return this.lastSeen.get(x3UserCode(userCode));
  }

  /**
   * X3's row, or null when X3 has none. A refused read is proved to mean "no row" by a query on the
   * key that answers without it (the query's criteria are [S]: a row for another user does not count
   * as this one's); otherwise the read's refusal, in X3's words, is thrown.
   */
  async readSyncpar(userCode: string): Promise<SyncparRow | null> {
    const code = x3UserCode(userCode);
    try {
      return await this.read(code);
    } catch (error) {
      if (!isPermanentRefusal(error)) throw error;
      if (!(await absentFromQuery(this.client, this.publication, SETUP_KEY_FIELD, code))) throw error;
      this.lastSeen.delete(code);
      return null;
    }
  }

  /**
   * Delivers `flags`: sends those that differ from the row last seen (all of them to a new row) and
   * returns the row X3 then holds — X3's truth, which keeps a GESSYP change to a flag the caller did not
   * change, so it may differ from `flags` there: the caller reconciles.
   */
  async writeSyncpar(userCode: string, flags: Flags, options: SoapWriteSyncparOptions = {}): Promise<SyncparRow> {
    const code = x3UserCode(userCode);
    const base = options.base !== undefined ? options.base : this.lastSeen.get(code);
    try {
      if (base === undefined) {
        // Never seen: read, then modify what differs (two calls); a refused read goes to save (two calls).
        return await this.readThenWrite(code, flags);
      }
      if (base === null) return await this.create(code, flags, null);
      return await this.update(code, flags, base, true);
    } catch (error) {
      // A write that failed may still have reached X3 (a timeout, a lost answer): the row is unknown now.
      this.lastSeen.delete(code);
      throw error;
    }
  }

  /** Drops the row remembered for the user: the next write reads X3 first. */
  forget(userCode: string): void {
    this.lastSeen.delete(x3UserCode(userCode));
  }

  // ---- the steps ----------------------------------------------------------------------------------

  private async read(code: string): Promise<SyncparRow> {
    const result = await this.client.read(this.publication, [{ key: SETUP_KEY_FIELD, value: code }]);
    return this.rowOf(code, result.data, `read ${this.publication}(${code})`);
  }

  /** X3's row, then a modify of what differs from it; a refused read leads to a save. */
  private async readThenWrite(code: string, flags: Flags): Promise<SyncparRow> {
    const current = await this.readOrNull(code);
    return current ? this.update(code, flags, current, false) : this.create(code, flags, null);
  }

  /** X3's row, or null when X3 refuses the read for a reason that does not pass with time. */
  private async readOrNull(code: string): Promise<SyncparRow | null> {
    try {
      return await this.read(code);
    } catch (error) {
      if (!isPermanentRefusal(error)) throw error;
      return null;
    }
  }

  /**
   * Modify what differs from `base` — the row last seen, never a fresher read: a flag the caller did
   * not change keeps whatever GESSYP gave it since. `mayBeGone`: base came from memory or the caller,
   * so a refusal may mean the row was deleted in X3 since.
   */
  private async update(code: string, flags: Flags, base: SyncparRow, mayBeGone: boolean): Promise<SyncparRow> {
    const changed = FLAG_CODES.filter((c) => base.flags[c] !== flags[c]);
    if (changed.length === 0 || (mayBeGone && !this.groups.knows(changed))) {
      if (!mayBeGone) return base;
      // Nothing to send, but the caller wants X3's truth (one read); or the groups are unknown (a fresh
      // process given the caller's base): this user's read teaches them, once, for one call more.
      const current = await this.readOrNull(code);
      if (!current) return this.create(code, flags, null);
      if (changed.length === 0) return current;
    }
    const operation = `modify ${this.publication}(${code})`;
    const param = await this.param(changed.map((c) => ({ name: c, value: encodedFlag(flags[c]) })), operation);
    let data: X3ObjectData;
    try {
      data = (await this.client.modify(this.publication, [{ key: SETUP_KEY_FIELD, value: code }], param)).data;
    } catch (error) {
      if (!mayBeGone || !isPermanentRefusal(error)) throw error;
      // The row may have been deleted in X3 since it was seen: a save X3 accepts proves it.
      return this.create(code, flags, error);
    }
    // The answer should be the whole record ([I]); an X3 that answers with less costs one read more.
    const row = data.fields.has(SETUP_KEY_FIELD) ? this.rowOf(code, data, operation) : await this.read(code);
    this.checkApplied(row, flags, changed, operation);
    return row;
  }

  /**
   * Save a full row. If X3 refuses, a re-read tells why: no row at all, the save's words; a row after
   * all, X3's words on the modify that was refused (`refusedModify`), or — when there was none (the row
   * was made in GESSYP meanwhile) — a modify of what differs.
   */
  private async create(code: string, flags: Flags, refusedModify: X3Error | null): Promise<SyncparRow> {
    const operation = `save ${this.publication}(${code})`;
    const fields = [{ name: SETUP_KEY_FIELD, value: code }, ...FLAG_CODES.map((c) => ({ name: c, value: encodedFlag(flags[c]) }))];
    const param = await this.param(fields, operation);
    let data: X3ObjectData;
    try {
      data = (await this.client.save(this.publication, param, code)).data;
    } catch (saveError) {
      if (!isPermanentRefusal(saveError)) throw saveError;
      let current: SyncparRow;
      try {
        current = await this.read(code);
      } catch (readError) {
        if (!isPermanentRefusal(readError)) throw readError;
        throw saveError;
      }
      if (refusedModify) throw refusedModify;
      return this.update(code, flags, current, false);
    }
    const row = data.fields.has(SETUP_KEY_FIELD) ? this.rowOf(code, data, operation) : await this.read(code);
    this.checkApplied(row, flags, FLAG_CODES, operation);
    return row;
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private async param(fields: readonly { name: string; value: string }[], operation: string): Promise<string> {
    const groups = await this.groups.groupsOf(
      fields.map((f) => f.name),
      operation,
    );
    return buildParam(fields.map((f): ParamField => ({ ...f, group: groups.get(f.name) as string, type: this.groups.typeOf(f.name) })));
  }

  /** X3's answer → SyncparRow; learns groups; remembers it as the user's last seen row. */
  private rowOf(code: string, data: X3ObjectData, operation: string): SyncparRow {
    this.groups.learn(data);
    const key = data.fields.get(SETUP_KEY_FIELD)?.value.trim();
    if (!key) throw new X3Error("protocol", `the answer has no ${SETUP_KEY_FIELD}`, { operation });
    if (key.toUpperCase() !== code) throw new X3Error("protocol", `asked for ${code}, X3 answered ${key}`, { operation });
    const missing = FLAG_CODES.filter((c) => !data.fields.has(c));
    if (missing.length > 0) {
      throw new X3Error("protocol", `publication ${this.publication} lacks the fields ${missing.join(", ")}: publish them in GESAWE`, { operation });
    }
    const flags = {} as Record<FlagCode, boolean>;
    for (const c of FLAG_CODES) {
      const raw = (data.fields.get(c)?.value ?? "").trim();
      try {
        // Local menu 1: 1 = No, 2 = Yes, whatever MENULAB says in whatever language.
        flags[c] = decodeYesNo(raw, "localMenu");
      } catch {
        throw new X3Error("protocol", `field ${c} is not a local menu 1 value (1 or 2): ${JSON.stringify(raw.slice(0, 20))}`, { operation });
      }
    }
    const stamp = data.fields.get("WW_MODSTAMP")?.value.trim() || null;
    const row: SyncparRow = {
      userCode: code,
      flags,
      etag: stamp,
      updatedAt: data.fields.get("UPDDATTIM")?.value.trim() || null,
    };
    this.remember(code, row);
    return row;
  }

  private remember(code: string, row: SyncparRow): void {
    this.lastSeen.delete(code);
    this.lastSeen.set(code, row);
    if (this.lastSeen.size > MAX_REMEMBERED_ROWS) {
      const oldest = this.lastSeen.keys().next().value;
      if (oldest !== undefined) this.lastSeen.delete(oldest);
    }
  }

  /** What X3 answered must hold what was sent; X3 ignoring a field must not pass for a delivery. */
  private checkApplied(row: SyncparRow, flags: Flags, sent: readonly FlagCode[], operation: string): void {
    const ignored = sent.filter((c) => row.flags[c] !== flags[c]);
    if (ignored.length > 0) {
      throw new X3Error("protocol", `X3 accepted the call but its answer does not hold ${ignored.join(", ")} as sent`, { operation });
    }
  }
}

function encodedFlag(value: boolean): string {
  return String(encodeYesNo(value, "localMenu"));
}
