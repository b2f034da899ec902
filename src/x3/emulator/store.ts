/**
 * The emulator's tables in memory, optionally mirrored to a JSON file (written atomically on every
 * change) so demo data survives a restart. Every write gives the row a new `$etag` and UPDDATTIM,
 * as X3 does.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { X3_TABLES, type X3Table } from "../config";
import { x3Key } from "../api1";
import { seedRows } from "./seed";
import { TABLES, type X3Value } from "./tables";

export interface StoredRow {
  readonly uuid: string;
  readonly etag: string;
  readonly values: Readonly<Record<string, X3Value>>;
}

/** Told of every row written, in the order the writes happen (e.g. a benchmark checking delivery order). */
export type WriteListener = (table: X3Table, row: StoredRow) => void;

const DATA_FORMAT = "x3-emulator/1";

const StoredRowSchema = z.strictObject({
  $uuid: z.string(),
  $etag: z.string(),
  values: z.record(z.string(), z.union([z.string(), z.number()])),
});
const DataFileSchema = z.strictObject({
  format: z.literal(DATA_FORMAT),
  revision: z.number().int().nonnegative(),
  tables: z.partialRecord(z.enum(X3_TABLES), z.array(StoredRowSchema)),
});
type DataFile = z.output<typeof DataFileSchema>;

export class X3EmulatorStore {
  private readonly tables = new Map<X3Table, Map<string, StoredRow>>();
  /** Source of `$etag`s: one counter for the folder, persisted, so a tag is never reused. */
  private revision = 0;
  private lastStamp = 0;
  private readonly listeners = new Set<WriteListener>();

  private constructor(private readonly dataFile: string | undefined) {
    for (const t of X3_TABLES) this.tables.set(t, new Map());
  }

  /** Loads `dataFile` when it exists, otherwise starts from the seed. */
  static open(dataFile?: string): X3EmulatorStore {
    const store = new X3EmulatorStore(dataFile);
    const saved = dataFile && existsSync(dataFile) ? store.readFile(dataFile) : null;
    const seed = seedRows();
    for (const table of X3_TABLES) {
      const rows = saved?.tables[table];
      if (rows) {
        for (const r of rows) {
          store.table(table).set(store.keyOf(table, r.values), { uuid: r.$uuid, etag: r.$etag, values: r.values });
        }
      } else {
        for (const values of seed[table]) store.put(table, values, "ADMIN", false, new Date(Date.UTC(2024, 0, 15, 9)));
      }
    }
    store.revision = Math.max(store.revision, saved?.revision ?? 0);
    return store;
  }

  private readFile(file: string): DataFile {
    const parsed = DataFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`X3 emulator: ${file} is not an emulator data file: ${parsed.error.message}`);
    return parsed.data;
  }

  keyOf(table: X3Table, values: Readonly<Record<string, X3Value>>): string {
    return x3Key(TABLES[table].keyFields.map((f) => String(values[f] ?? "")));
  }

  get(table: X3Table, key: string): StoredRow | undefined {
    return this.table(table).get(key);
  }

  /** Calls `listener` after each row written, until the returned function is called. */
  onWrite(listener: WriteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Removes a row, as deleting a record in its X3 function does. */
  delete(table: X3Table, key: string, save = true): boolean {
    const removed = this.table(table).delete(key);
    if (removed && save) this.save();
    return removed;
  }

  /** All rows in key order, as X3's default `orderBy` would give them. */
  rows(table: X3Table): StoredRow[] {
    return [...this.table(table).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }

  /**
   * Creates or updates a row (`changes` merged into the current values, or into the table's defaults)
   * and stamps it. Validation is the caller's: this is the database, not the business layer.
   */
  put(
    table: X3Table,
    changes: Readonly<Record<string, X3Value>>,
    user: string,
    save = true,
    at: Date = new Date(),
    uuid?: string,
  ): StoredRow {
    const schema = TABLES[table];
    const key = this.keyOf(table, changes);
    const current = this.table(table).get(key);
    const stamp = this.stamp(at);
    const values: Record<string, X3Value> = { ...(current?.values ?? schema.defaults), ...changes };
    if (!current) {
      Object.assign(values, {
        AUUID: randomUUID(),
        CREDAT: stamp.slice(0, 10),
        CREDATTIM: stamp,
        CREUSR: user,
      });
    }
    Object.assign(values, { UPDDAT: stamp.slice(0, 10), UPDDATTIM: stamp, UPDUSR: user });
    this.revision += 1;
    const row: StoredRow = { uuid: current?.uuid ?? uuid ?? randomUUID(), etag: String(this.revision), values };
    this.table(table).set(key, row);
    if (save) this.save();
    for (const listener of this.listeners) listener(table, row);
    return row;
  }

  /** UPDDATTIM must change on every update, even two within the same millisecond. */
  private stamp(at: Date): string {
    const ms = Math.max(at.getTime(), this.lastStamp + 1);
    this.lastStamp = ms;
    return new Date(ms).toISOString();
  }

  private table(table: X3Table): Map<string, StoredRow> {
    const rows = this.tables.get(table);
    if (!rows) throw new Error(`X3 emulator: no table ${table}`);
    return rows;
  }

  /** Temp file then rename: a crash mid-write leaves the previous file whole. */
  save(): void {
    if (!this.dataFile) return;
    const data: DataFile = {
      format: DATA_FORMAT,
      revision: this.revision,
      tables: Object.fromEntries(
        X3_TABLES.map((t) => [t, this.rows(t).map((r) => ({ $uuid: r.uuid, $etag: r.etag, values: { ...r.values } }))]),
      ),
    };
    mkdirSync(dirname(this.dataFile), { recursive: true });
    const temp = `${this.dataFile}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`);
    renameSync(temp, this.dataFile);
  }
}
