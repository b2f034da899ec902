/**
 * The X3 side of a SOAP call once it is read and authenticated: the checks in X3-SOAP.md §10's order
 * (pool alias, publication, operation, key and record, field and group names, local-menu values),
 * then `read`, `modify` (partial; answers the whole record), `save` (create only), `query` (left list,
 * objectKeys as equality criteria) and `getDescription`, over the emulator's tables. Business errors
 * are status 0 with type-3 messages, never SOAP Faults.
 */
import type { X3EmulatorStore, StoredRow } from "../store";
import { TABLES, type X3Value } from "../tables";
import type { KeyValue, SoapCall } from "./envelope";
import { languageOf, STRUCTURE_MESSAGES, text, type Language } from "./messages";
import type { ModStamps } from "./modStamp";
import { readParam } from "./paramXml";
import { publishedField, type Publication, type SoapOperation } from "./publications";
import { renderDescription, renderList, renderRecord, type ResultFormat } from "./resultXml";
import type { X3Result } from "./response";

export interface SoapServiceOptions {
  /** Classic SOAP pool aliases Syracuse knows. */
  readonly pools: ReadonlySet<string>;
  readonly publications: ReadonlyMap<string, Publication>;
}

/** A fault from `/__emulator/faults` that X3 answers in the SOAP result (status 0). */
export type InjectedError = { readonly kind: "locked" } | { readonly kind: "diagnoses"; readonly message: string };

const DEFAULT_LIST_SIZE = 20;
/** What api1 accepts for a text field; X3's real lengths are the dictionary's. */
const MAX_TEXT = 250;

export function isWrite(operation: string): boolean {
  return operation === "save" || operation === "modify";
}

function failure(...messages: string[]): X3Result {
  return { status: 0, messages: messages.map((message) => ({ type: "3", message })) };
}

function keyValue(keys: readonly KeyValue[], field: string): string | undefined {
  return keys.find((k) => k.key.trim().toUpperCase() === field)?.value.trim();
}

export class SoapService {
  constructor(
    private readonly store: X3EmulatorStore,
    private readonly stamps: ModStamps,
    private readonly options: SoapServiceOptions,
  ) {}

  answer(
    call: SoapCall & { readonly operation: SoapOperation },
    user: string,
    injected: InjectedError | null,
    acceptLanguage?: string,
  ): X3Result {
    const language = languageOf(call.callContext.codeLang, acceptLanguage);
    const poolAlias = call.callContext.poolAlias ?? "";
    if (!this.options.pools.has(poolAlias)) return failure(text("unknownPool", language, poolAlias));
    const publication = this.options.publications.get(call.publicName.trim());
    if (!publication) return failure(text("unknownService", language));
    if (!publication.operations.has(call.operation)) {
      return failure(text("notAllowed", language, call.operation, publication.publicName));
    }
    if (injected?.kind === "diagnoses") return failure(injected.message);
    if (injected?.kind === "locked") return failure(text("locked", language));

    const optreturn = call.callContext.requestConfig.get("adxwss.optreturn")?.toUpperCase();
    const format: ResultFormat = optreturn === "JSON" ? "JSON" : "XML";
    const ctx: Context = { publication, language, format, user };
    switch (call.operation) {
      case "read":
        return this.read(ctx, call.objectKeys);
      case "modify":
        return this.modify(ctx, call.objectKeys, call.objectXml);
      case "save":
        return this.save(ctx, call.objectXml);
      case "query":
        return this.query(ctx, call.objectKeys, call.listSize);
      case "getDescription":
        return { status: 1, messages: [], resultXml: renderDescription(publication) };
      default:
        // Publications only list the operations above.
        return failure(text("notAllowed", language, call.operation, publication.publicName));
    }
  }

  private record(ctx: Context, row: StoredRow): X3Result {
    const { table } = ctx.publication;
    const values = Object.fromEntries(Object.entries(row.values).map(([k, v]) => [k, String(v)]));
    const view = { values, modStamp: this.stamps.of(table, row), modUser: String(row.values.UPDUSR ?? "") };
    return { status: 1, messages: [], resultXml: renderRecord(ctx.publication, view, ctx.language, ctx.format) };
  }

  private missing(ctx: Context, key: string): X3Result {
    return failure(`${ctx.publication.title[ctx.language]}: ${key} ${text("recordMissing", ctx.language)}`);
  }

  /** The record the keys name, or the X3 answer saying there is none. */
  private find(ctx: Context, keys: readonly KeyValue[]): StoredRow | X3Result {
    const key = keyValue(keys, ctx.publication.key) ?? "";
    const row = key === "" ? undefined : this.store.get(ctx.publication.table, key);
    return row ?? this.missing(ctx, key);
  }

  private read(ctx: Context, keys: readonly KeyValue[]): X3Result {
    const row = this.find(ctx, keys);
    return "uuid" in row ? this.record(ctx, row) : row;
  }

  /**
   * The payload's fields, checked: names and groups (Syracuse's structure messages), then values
   * (local menu 1 takes 1 or 2 only). Stored form: menus as numbers.
   */
  private changes(ctx: Context, objectXml: string | undefined): { readonly changes: Record<string, X3Value> } | X3Result {
    if (objectXml === undefined || objectXml.trim() === "") return { changes: {} };
    const param = readParam(objectXml, ctx.publication);
    if (!param.ok) return failure(...param.errors);
    const changes: Record<string, X3Value> = {};
    const invalid: string[] = [];
    for (const [name, value] of param.values) {
      const field = publishedField(ctx.publication, name);
      if (field?.menuLocal === 1) {
        if (value === "1" || value === "2") changes[name] = Number(value);
        else invalid.push(text("invalidValue", ctx.language, name));
      } else if (value.length > MAX_TEXT) {
        invalid.push(text("invalidValue", ctx.language, name));
      } else {
        changes[name] = value;
      }
    }
    return invalid.length > 0 ? failure(...invalid) : { changes };
  }

  private modify(ctx: Context, keys: readonly KeyValue[], objectXml: string | undefined): X3Result {
    const current = this.find(ctx, keys);
    if (!("uuid" in current)) return current;
    const checked = this.changes(ctx, objectXml);
    if (!("changes" in checked)) return checked;
    const { changes } = checked;
    const { key } = ctx.publication;
    if (key in changes) {
      if (changes[key] !== current.values[key]) return failure(text("keyChange", ctx.language, key));
      delete changes[key];
    }
    const updated = this.store.put(ctx.publication.table, { ...current.values, ...changes }, ctx.user);
    return this.record(ctx, updated);
  }

  private save(ctx: Context, objectXml: string | undefined): X3Result {
    const checked = this.changes(ctx, objectXml);
    if (!("changes" in checked)) return checked;
    const { changes } = checked;
    const { key, table } = ctx.publication;
    const keyValue = String(changes[key] ?? "").trim();
    if (keyValue === "") return failure(text("mandatory", ctx.language, key));
    if (this.store.get(table, keyValue)) {
      return failure(`${ctx.publication.title[ctx.language]}: ${keyValue} ${text("recordExists", ctx.language)}`);
    }
    if (ctx.publication.keyIsUser && !this.store.get("AUTILIS", keyValue)) {
      return failure(`${text("userTitle", ctx.language)}: ${keyValue} ${text("recordMissing", ctx.language)}`);
    }
    const created = this.store.put(table, { ...TABLES[table].defaults, ...changes, [key]: keyValue }, ctx.user);
    return this.record(ctx, created);
  }

  private query(ctx: Context, keys: readonly KeyValue[], listSize: number | undefined): X3Result {
    const { publication } = ctx;
    const criteria: KeyValue[] = [];
    for (const k of keys) {
      const name = k.key.trim().toUpperCase();
      // PORTAL's list passes "*": no criterion.
      if (name === "" || name === "*" || k.value.trim() === "*") continue;
      if (!publishedField(publication, name) && !publication.leftList.some((f) => f.name === name)) {
        return failure(STRUCTURE_MESSAGES.unknownField(name));
      }
      criteria.push({ key: name, value: k.value.trim() });
    }
    const size = listSize !== undefined && listSize > 0 ? listSize : DEFAULT_LIST_SIZE;
    const rows = this.store
      .rows(publication.table)
      .filter((r) => criteria.every((c) => String(r.values[c.key] ?? "") === c.value))
      .slice(0, size)
      .map((r) => Object.fromEntries(publication.leftList.map((f) => [f.name, String(r.values[f.name] ?? "")])));
    return { status: 1, messages: [], resultXml: renderList(publication.leftList, rows, ctx.language, ctx.format) };
  }
}

interface Context {
  readonly publication: Publication;
  readonly language: Language;
  readonly format: ResultFormat;
  readonly user: string;
}
