/**
 * The X3 gateway: the add-in's only way to X3, through Syracuse REST "api1" (X3-CONTRACT.md).
 * It reads and writes SYNCPAR, maps mailboxes to X3 users and reads what the synchronization engine
 * depends on. Every failure is an X3Error; nothing here retries a write.
 */
import { FLAG_CODES, type Flags } from "../core/flags";
import type { X3User } from "../core/setup";
import { decodeYesNo, encodeYesNo, isYesNoValue } from "../core/x3YesNo";
import { createUrl, isPlainObject, queryUrl, recordUrl, templateUrl, x3Literal, type Api1Target } from "./api1";
import { resolveX3GatewayConfig, type ResolvedX3GatewayConfig, type X3GatewayConfig, type X3Table } from "./config";
import { X3ConflictError, X3Error } from "./errors";
import {
  FOLDER_PARAMETERS,
  USER_PARAMETERS,
  optionalText,
  parseSyncData,
  parseSyncpar,
  parseUser,
  type FolderParameter,
  type FolderParameters,
  type SyncDataRow,
  type SyncparRow,
  type UserParameter,
  type UserParameters,
} from "./records";
import { sendBoundMs, X3Transport, type X3Body } from "./transport";

/** A query whose `$next` never ends is X3 (or a proxy) misbehaving, not a big table. */
const MAX_PAGES = 10_000;

export interface WriteSyncparOptions {
  /**
   * The `$etag` the caller last saw (null: it believes there is no row). When X3's differs, nothing is
   * written and an X3ConflictError carries X3's row. Omitted: the flags are written whatever X3 has.
   */
  readonly expectedEtag?: string | null;
  /** The flags X3 was last given (the server's port passes them); api1 reads X3's row before it writes, so it needs none. */
  readonly base?: Flags;
}

/** X3 keeps user codes in upper case; callers may hold them as typed. */
function userCodeOf(code: string): string {
  const normalized = code.trim().toUpperCase();
  if (!normalized) throw new RangeError("An X3 user code is required");
  return normalized;
}

function sameFlags(a: Flags, b: Flags): boolean {
  return FLAG_CODES.every((c) => a[c] === b[c]);
}

export class X3Gateway {
  private readonly config: ResolvedX3GatewayConfig;
  private readonly transport: X3Transport;
  /** Classes a `$query` has answered for: a 404 on one of their keys really means "no such record". */
  private readonly confirmedClasses = new Set<X3Table>();

  constructor(config: X3GatewayConfig) {
    this.config = resolveX3GatewayConfig(config);
    this.transport = new X3Transport(this.config);
  }

  /**
   * The longest `writeSyncpar` can take, whatever X3 does: at worst it reads the row (and proves the class
   * on a 404), reads the template, POSTs, re-reads after a refused duplicate and PUTs, each exchange within
   * its deadline. A delivery's lease must outlast this, or a second worker could write the same user's row
   * while the first one's write is still on its way.
   */
  get writeSyncparBoundMs(): number {
    return 4 * sendBoundMs(this.config, "GET") + sendBoundMs(this.config, "POST") + sendBoundMs(this.config, "PUT");
  }

  // ---- SYNCPAR ------------------------------------------------------------------------------------

  async readSyncpar(userCode: string): Promise<SyncparRow | null> {
    return (await this.readSyncparRecord(userCodeOf(userCode)))?.row ?? null;
  }

  /**
   * Makes X3's SYNCPAR row for the user hold exactly `flags`, and CLLADXCRE No. Sends only what
   * differs, and nothing when nothing does, so writing the same flags again is harmless.
   */
  async writeSyncpar(userCode: string, flags: Flags, options: WriteSyncparOptions = {}): Promise<SyncparRow> {
    const code = userCodeOf(userCode);
    let current = await this.readSyncparRecord(code);
    this.checkExpected(code, current?.row ?? null, options);

    if (!current) {
      try {
        return await this.createSyncpar(code, flags);
      } catch (error) {
        // Someone may have created the row between our read and our POST (X3 then refuses the
        // duplicate); if so, fall through to an update of that row.
        if (!(error instanceof X3Error) || error.kind !== "diagnoses") throw error;
        current = await this.readSyncparRecord(code);
        if (!current) throw error;
        this.checkExpected(code, current.row, options);
      }
    }

    const { binding, target } = this.binding("SYNCPAR");
    const changes: X3Body = {};
    for (const c of FLAG_CODES) {
      if (current.row.flags[c] !== flags[c]) changes[c] = encodeYesNo(flags[c], this.config.yesNo);
    }
    // Outlook has no call item: a Yes left by another tool is put back to No.
    if (current.clladxcre === true) changes.CLLADXCRE = encodeYesNo(false, this.config.yesNo);
    if (Object.keys(changes).length === 0) return current.row;

    const operation = `PUT ${binding.className}('${code}')`;
    const body = await this.transport.send("PUT", recordUrl(target, binding.representation, "$edit", code), operation, changes);
    const updated = parseSyncpar(body, this.config.yesNo, operation).row;
    // api1 ignores If-Match, so a change made between our read and our PUT shows only here: the flags
    // we did not send are not what we read.
    if (!sameFlags(updated.flags, flags)) {
      throw new X3ConflictError(`SYNCPAR of ${code} changed while it was being written`, updated, { operation });
    }
    return updated;
  }

  private checkExpected(code: string, current: SyncparRow | null, options: WriteSyncparOptions): void {
    if (options.expectedEtag === undefined) return;
    if ((current?.etag ?? null) !== options.expectedEtag) {
      throw new X3ConflictError(`SYNCPAR of ${code} was changed in X3 since it was last read`, current, {
        operation: `write SYNCPAR('${code}')`,
      });
    }
  }

  private async createSyncpar(code: string, flags: Flags): Promise<SyncparRow> {
    const { binding, target } = this.binding("SYNCPAR");
    const template = await this.transport.send(
      "GET",
      templateUrl(target, binding.representation),
      `GET ${binding.className}/$template`,
    );
    // The template's own fields (defaults X3 wants back, e.g. OTKUSR) and its $uuid; other $ properties
    // are X3's bookkeeping.
    const body: X3Body = Object.fromEntries(Object.entries(template).filter(([k]) => !k.startsWith("$") || k === "$uuid"));
    body.SYPUSR = code;
    for (const c of FLAG_CODES) body[c] = encodeYesNo(flags[c], this.config.yesNo);
    body.CLLADXCRE = encodeYesNo(false, this.config.yesNo);

    const operation = `POST ${binding.className}('${code}')`;
    const created = await this.transport.send("POST", createUrl(target, binding.representation), operation, body);
    const row = parseSyncpar(created, this.config.yesNo, operation).row;
    if (row.userCode.toUpperCase() !== code || !sameFlags(row.flags, flags)) {
      throw new X3Error("protocol", "X3 created a SYNCPAR row that differs from the one sent", { operation });
    }
    return row;
  }

  private async readSyncparRecord(code: string): Promise<ReturnType<typeof parseSyncpar> | null> {
    const record = await this.getRecord("SYNCPAR", code);
    return record ? parseSyncpar(record, this.config.yesNo, `GET SYNCPAR('${code}')`) : null;
  }

  // ---- Users --------------------------------------------------------------------------------------

  /**
   * The X3 users whose AUTILIS.ADDEML is this address, ignoring case. X3's `eq` may compare case
   * sensitively and addresses are typed with capitals, so we ask X3 for `upper(ADDEML) eq 'ADDRESS'`
   * (a function of the SData filter grammar api1 inherits, [I]) and compare lower-cased ourselves. If
   * X3 refuses that filter, we read all users and filter here: slower, but right on any X3.
   */
  async findUsersByEmail(email: string): Promise<X3User[]> {
    const wanted = email.trim().toLowerCase();
    if (!wanted) return [];
    const operation = "query AUTILIS by e-mail";
    let records: X3Body[];
    try {
      records = await this.queryAll("AUTILIS", `upper(ADDEML) eq ${x3Literal(wanted.toUpperCase())}`, operation);
    } catch (error) {
      const filterRefused =
        error instanceof X3Error && (error.kind === "diagnoses" || (error.kind === "protocol" && error.status === 400));
      if (!filterRefused) throw error;
      records = await this.queryAll("AUTILIS", null, "query all AUTILIS");
    }
    return records.map((r) => parseUser(r, operation)).filter((u) => u.email.trim().toLowerCase() === wanted);
  }

  async getUser(code: string): Promise<X3User | null> {
    const normalized = userCodeOf(code);
    const record = await this.getRecord("AUTILIS", normalized);
    return record ? parseUser(record, `GET AUTILIS('${normalized}')`) : null;
  }

  async listUsers(): Promise<X3User[]> {
    const operation = "query AUTILIS";
    return (await this.queryAll("AUTILIS", null, operation)).map((r) => parseUser(r, operation));
  }

  /** AUSCRMA (function, "1".."6") and AUSCRMF (sales rep); null when unset or blank. */
  async userParameters(code: string): Promise<UserParameters> {
    const user = userCodeOf(code);
    const operation = `query ADOVALAUS of ${user}`;
    const records = await this.queryAll("ADOVALAUS", `CODUSR eq ${x3Literal(user)}`, operation);
    const result: Record<UserParameter, string | null> = { AUSCRMA: null, AUSCRMF: null };
    for (const r of records) {
      const param = optionalText(r, "PARAM");
      if (optionalText(r, "CODUSR")?.toUpperCase() !== user) continue;
      if ((USER_PARAMETERS as readonly string[]).includes(param ?? "")) {
        result[param as UserParameter] = optionalText(r, "VALEUR")?.trim() ?? null;
      }
    }
    return result;
  }

  /** The folder-level (blank company and site) synchronization switches; null when X3 has no value. */
  async folderParameters(): Promise<FolderParameters> {
    const result = {} as Record<FolderParameter, boolean | null>;
    // One small query per parameter: filtering on blank CPY/FCY server-side is not documented to work.
    for (const param of FOLDER_PARAMETERS) {
      const operation = `query ADOVAL ${param}`;
      const rows = await this.queryAll("ADOVAL", `PARAM eq ${x3Literal(param)}`, operation);
      const folderLevel = rows.find(
        (r) => optionalText(r, "PARAM") === param && optionalText(r, "CPY") === null && optionalText(r, "FCY") === null,
      );
      result[param] = folderLevel ? this.parameterYesNo(folderLevel.VALEUR, param, operation) : null;
    }
    return result;
  }

  /** ADOVAL.VALEUR is text ("2"); a published representation may still hand it over as the SYNCPAR encoding. */
  private parameterYesNo(raw: unknown, param: string, operation: string): boolean | null {
    if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return null;
    for (const encoding of [this.config.yesNo, "localMenu", "boolean"] as const) {
      if (isYesNoValue(raw, encoding)) return decodeYesNo(raw, encoding);
    }
    throw new X3Error("protocol", `parameter ${param} is not a yes/no value: ${JSON.stringify(raw)}`, { operation });
  }

  /** The X3 changes waiting for the user's next synchronization. */
  async syncData(userCode: string): Promise<SyncDataRow[]> {
    const user = userCodeOf(userCode);
    const operation = `query SYNCDATA of ${user}`;
    const rows = await this.queryAll("SYNCDATA", `SYDUSR eq ${x3Literal(user)}`, operation);
    return rows.map((r) => parseSyncData(r, operation)).filter((r) => r.userCode.toUpperCase() === user);
  }

  /** Proves the base URL, endpoint, credentials and AUTILIS class work (one small query). */
  async checkConnection(): Promise<void> {
    await this.confirmClass("AUTILIS");
  }

  /** One `$query` of one record on a table's class and representation: does X3 answer it? */
  async probe(table: X3Table): Promise<void> {
    const { binding, target } = this.binding(table);
    await this.transport.send("GET", queryUrl(target, binding.representation, null, 1), `query ${binding.className}`);
  }

  /** The class and representation a table is published as (configuration). */
  classOf(table: X3Table): { readonly className: string; readonly representation: string } {
    return this.binding(table).binding;
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  // ---- api1 plumbing -------------------------------------------------------------------------------

  private binding(table: X3Table): { binding: { className: string; representation: string }; target: Api1Target } {
    const binding = this.config.classes[table];
    return {
      binding,
      target: { baseUrl: this.config.baseUrl, endpoint: this.config.endpoint, className: binding.className },
    };
  }

  /**
   * One record by key, null when X3 says it does not exist. A 404 also comes from a wrong endpoint or
   * class name, which must not pass for "this user has no row": the first time, a query on the class
   * proves the class is there.
   */
  private async getRecord(table: X3Table, key: string): Promise<X3Body | null> {
    const { binding, target } = this.binding(table);
    const operation = `GET ${binding.className}('${key}')`;
    try {
      return await this.transport.send("GET", recordUrl(target, binding.representation, "$details", key), operation);
    } catch (error) {
      if (!(error instanceof X3Error) || error.kind !== "notFound") throw error;
      await this.confirmClass(table);
      return null;
    }
  }

  private async confirmClass(table: X3Table): Promise<void> {
    if (this.confirmedClasses.has(table)) return;
    const { binding, target } = this.binding(table);
    await this.transport.send("GET", queryUrl(target, binding.representation, null, 1), `query ${binding.className}`);
    this.confirmedClasses.add(table);
  }

  /** All records of a `$query`, following `$links.$next.$url` until X3 gives none. */
  private async queryAll(table: X3Table, where: string | null, operation: string): Promise<X3Body[]> {
    const { binding, target } = this.binding(table);
    const records: X3Body[] = [];
    const seen = new Set<string>();
    let url: string | null = queryUrl(target, binding.representation, where, this.config.pageSize);
    while (url) {
      if (seen.has(url) || seen.size >= MAX_PAGES) throw new X3Error("protocol", "paging does not end", { operation });
      seen.add(url);
      const page = await this.transport.send("GET", url, operation);
      const resources = page.$resources ?? [];
      if (!Array.isArray(resources) || !resources.every(isPlainObject)) {
        throw new X3Error("protocol", "$resources is not a list of records", { operation });
      }
      records.push(...resources);
      const links = page.$links;
      const next = isPlainObject(links) && isPlainObject(links.$next) ? links.$next.$url : undefined;
      url = typeof next === "string" && next !== "" ? this.transport.sameOrigin(next) : null;
    }
    this.confirmedClasses.add(table);
    return records;
  }
}
