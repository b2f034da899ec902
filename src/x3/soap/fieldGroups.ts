/**
 * Which group (GRP ID) each field of a publication sits in. Group IDs depend on the site's screens and
 * on GESAWE renames ([I] X3-SOAP.md §0.8), so none is written in the code: IT's configuration wins,
 * then what X3's own read results showed; failing both, the publication's getDescription (read
 * tolerantly: its layout is uncertain, [S] §5.3), then a read of any one record the left list shows.
 */
import { X3Error } from "../errors";
import type { SoapObjectService } from "./client";
import type { FieldGroups } from "./config";
import type { X3ObjectData } from "./payload";
import { attribute, children, isNode, parseXml, type XmlValue } from "./xml";

export class FieldGroupBook {
  private readonly learned = new Map<string, string>();
  private readonly types = new Map<string, string>();
  private described: Promise<ReadonlyMap<string, string>> | null = null;

  constructor(
    private readonly client: SoapObjectService,
    private readonly publication: string,
    private readonly overrides: FieldGroups,
    /** The publication's key field, to read one record when nothing else tells the groups. */
    private readonly keyField: string | null = null,
  ) {}

  /** Remembers the groups and types of the fields of a read (or modify/save) result. */
  learn(data: X3ObjectData): void {
    for (const [name, field] of data.fields) {
      if (field.group !== null) this.learned.set(name, field.group);
      if (field.type !== null) this.types.set(name, field.type);
    }
  }

  typeOf(field: string): string | null {
    return this.types.get(field) ?? null;
  }

  private known(field: string): string | undefined {
    return this.overrides[field] ?? this.learned.get(field);
  }

  /** Whether IT or a read result has told the group of every field, so no call is needed to find them. */
  knows(fields: readonly string[]): boolean {
    return fields.every((f) => this.known(f) !== undefined);
  }

  /** The group of each field; asks X3 (see above) when needed; names the ones not found. */
  async groupsOf(fields: readonly string[], operation: string): Promise<Map<string, string>> {
    let description: ReadonlyMap<string, string> | null = null;
    if (!this.knows(fields)) description = await this.describe();
    if (fields.some((f) => this.known(f) === undefined && !description?.has(f))) await this.learnFromAnyRecord();
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const f of fields) {
      const group = this.known(f) ?? description?.get(f);
      if (group === undefined) missing.push(f);
      else out.set(f, group);
    }
    if (missing.length > 0) {
      throw new X3Error(
        "protocol",
        `publication ${this.publication} does not show which group holds ${missing.join(", ")}: publish these fields in GESAWE, or give their groups in X3_SOAP_SETUP_GROUPS`,
        { operation },
      );
    }
    return out;
  }

  /** Reads the first record of the left list, if there is one, to learn from its groups. */
  private async learnFromAnyRecord(): Promise<void> {
    if (this.keyField === null) return;
    try {
      const first = (await this.client.query(this.publication, [], 1)).data.rows[0]?.get(this.keyField)?.trim();
      if (first) this.learn((await this.client.read(this.publication, [{ key: this.keyField, value: first }])).data);
    } catch (error) {
      if (error instanceof X3Error && error.transient) throw error;
      // Refused: the caller names the fields whose group is still unknown.
    }
  }

  /** getDescription's field → group, or an empty map when X3 refuses it or its layout is not one we read. */
  private describe(): Promise<ReadonlyMap<string, string>> {
    this.described ??= this.client
      .getDescription(this.publication)
      .then((result) => {
        if (!result.resultXml) return new Map<string, string>();
        return groupsInDescription(parseXml(result.resultXml, "getDescription", `getDescription ${this.publication}`, this.client.config.xmlLimits));
      })
      .catch((error: unknown) => {
        // Not cached: a transient failure must not hide the description for the life of the process.
        this.described = null;
        if (error instanceof X3Error && error.transient) throw error;
        return new Map<string, string>();
      });
    return this.described;
  }
}

/**
 * Field → group in a getDescription result, whatever the wrapper (ADXDESC, RESULT…): a field element
 * (FLD or FIELD, named by NAME or NAM) belongs to the nearest enclosing GRP or TAB (ID or NAM).
 */
export function groupsInDescription(doc: XmlValue): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (value: XmlValue, tag: string, group: string | null, depth: number): void => {
    if (depth > 30) return;
    if (Array.isArray(value)) {
      for (const v of value as readonly XmlValue[]) visit(v, tag, group, depth);
      return;
    }
    if (!isNode(value)) return;
    let current = group;
    if (tag === "GRP" || tag === "TAB") current = attribute(value, "ID") ?? attribute(value, "NAM") ?? group;
    if (tag === "FLD" || tag === "FIELD") {
      const name = attribute(value, "NAME") ?? attribute(value, "NAM");
      if (name !== undefined && current !== null && !out.has(name)) out.set(name, current);
    }
    for (const key of Object.keys(value)) if (!key.startsWith("@_") && key !== "#text") visit(children(value, key), key, current, depth + 1);
  };
  visit(doc, "", null, 0);
  return out;
}
