/**
 * The emulated api1 subset (X3-CONTRACT.md): read by key ($details), update ($edit), template and
 * create ($create), query ($query with where, count and `$next` paging). Strict as X3 is:
 * - unknown endpoint, class, representation or key → 404 with `$diagnoses`;
 * - a malformed request (bad JSON, unknown property, wrong facet, bad where/count) → 400 with `$diagnoses`;
 * - a business-rule failure (bad yes/no value, read-only field, duplicate, unknown user) → **200** with
 *   `$diagnoses` and nothing written, so a client that trusts the status code is caught out.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decodeYesNo, encodeYesNo, isYesNoValue, type YesNoEncoding } from "../../core/x3YesNo";
import { isPlainObject, parseRecordSegment, queryUrl, recordUrl, type X3Facet } from "../api1";
import type { X3Table } from "../config";
import { authenticate, type EmulatorConnectedApp, type EmulatorCredentials } from "./auth";
import type { StoredRow, X3EmulatorStore } from "./store";
import { TABLES, isX3TableName, type ColumnKind, type X3Value } from "./tables";
import { compileWhere, WhereSyntaxError } from "./where";

export interface Api1Options {
  readonly store: X3EmulatorStore;
  readonly endpoint: string;
  readonly yesNo: YesNoEncoding;
  readonly credentials: EmulatorCredentials;
  readonly connectedApp: EmulatorConnectedApp | undefined;
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1000;

function diagnoses(reply: FastifyReply, status: number, messages: readonly string[]): FastifyReply {
  return reply.code(status).send({ $diagnoses: messages.map((m) => ({ $severity: "error", $message: m })) });
}

function baseUrlOf(request: FastifyRequest): string {
  return `https://${request.host}`;
}

/** A stored row as the representation shows it: yes/no in the published encoding, plus `$` bookkeeping. */
function present(table: X3Table, row: StoredRow, options: Api1Options, baseUrl: string): Record<string, unknown> {
  const schema = TABLES[table];
  const out: Record<string, unknown> = {
    $uuid: row.uuid,
    $etag: row.etag,
    $url: recordUrl(
      { baseUrl, endpoint: options.endpoint, className: table },
      table,
      "$details",
      options.store.keyOf(table, row.values),
    ),
  };
  for (const [field, kind] of Object.entries(schema.columns)) {
    const value = row.values[field] ?? schema.defaults[field] ?? "";
    out[field] = kind === "yesNo" ? encodeYesNo(decodeYesNo(value, "localMenu"), options.yesNo) : value;
  }
  return out;
}

function accept(kind: ColumnKind, raw: unknown, encoding: YesNoEncoding): X3Value | undefined {
  if (kind === "yesNo") {
    return isYesNoValue(raw, encoding) ? (encodeYesNo(decodeYesNo(raw, encoding), "localMenu") as number) : undefined;
  }
  return typeof raw === "string" && raw.length <= 250 ? raw : undefined;
}

interface Checked {
  readonly malformed: string[];
  readonly refused: string[];
  readonly changes: Record<string, X3Value>;
  readonly uuid: string | undefined;
}

/** Sorts a $create / $edit body's properties into accepted changes, malformed (400) and refused (200). */
function checkBody(
  table: X3Table,
  body: Record<string, unknown>,
  encoding: YesNoEncoding,
  current: StoredRow | undefined,
): Checked {
  const schema = TABLES[table];
  const checked: Checked = { malformed: [], refused: [], changes: {}, uuid: undefined };
  let uuid: string | undefined;
  for (const [field, raw] of Object.entries(body)) {
    if (field.startsWith("$")) {
      // Other $ properties are bookkeeping a client may echo back; X3 ignores them.
      if (field === "$uuid" && typeof raw === "string") uuid = raw;
      continue;
    }
    const kind = schema.columns[field];
    if (!kind) {
      checked.malformed.push(`${table}: unknown property ${field}`);
      continue;
    }
    if (!schema.editable.includes(field)) {
      checked.refused.push(`${field}: this field cannot be modified`);
      continue;
    }
    if (current && schema.keyFields.includes(field)) {
      if (raw !== current.values[field]) checked.refused.push(`${field}: the key cannot be modified`);
      continue;
    }
    const value = accept(kind, raw, encoding);
    if (value === undefined) checked.refused.push(`${field}: invalid value ${JSON.stringify(raw)}`);
    else checked.changes[field] = value;
  }
  return { ...checked, uuid };
}

type Route =
  | { kind: "record"; table: X3Table; key: string }
  | { kind: "template"; table: X3Table }
  | { kind: "class"; table: X3Table };

function expectedFacet(route: Route, method: string): X3Facet {
  if (route.kind === "record") return method === "PUT" ? "$edit" : "$details";
  if (route.kind === "template" || method === "POST") return "$create";
  return "$query";
}

export function registerApi1(app: FastifyInstance, options: Api1Options): void {
  const { store } = options;

  app.route({
    method: ["GET", "PUT", "POST"],
    url: "/api1/*",
    handler: async (request, reply) => {
      const user = await authenticate(request.headers.authorization, options.credentials, options.connectedApp, (code) =>
        Boolean(store.get("AUTILIS", code)),
      );
      if (!user) {
        reply.header("www-authenticate", 'Basic realm="Sage X3"');
        return diagnoses(reply, 401, ["Authentication required"]);
      }

      const url = new URL(request.url, "https://emulator.invalid");
      let segments: string[];
      try {
        segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
      } catch {
        return diagnoses(reply, 400, ["Malformed URL"]);
      }
      const [, x3, erp, endpoint, resource, extra, ...rest] = segments;
      if (x3 !== "x3" || erp !== "erp" || !endpoint || !resource || rest.length > 0) {
        return diagnoses(reply, 404, ["Resource not found"]);
      }
      if (endpoint !== options.endpoint) return diagnoses(reply, 404, [`Endpoint ${endpoint} not found`]);

      const record = parseRecordSegment(resource);
      const className = record ? record.className : resource;
      if (!isX3TableName(className)) return diagnoses(reply, 404, [`Class ${className} not found`]);
      let route: Route;
      if (record && extra === undefined) route = { kind: "record", table: className, key: record.key };
      else if (!record && extra === "$template") route = { kind: "template", table: className };
      else if (!record && extra === undefined) route = { kind: "class", table: className };
      else return diagnoses(reply, 404, ["Resource not found"]);

      const facetWanted = expectedFacet(route, request.method);
      const representation = url.searchParams.get("representation") ?? "";
      const dot = representation.lastIndexOf(".");
      const [reprName, facet] = dot < 0 ? [representation, ""] : [representation.slice(0, dot), representation.slice(dot + 1)];
      if (reprName !== route.table) return diagnoses(reply, 404, [`Representation ${reprName || "(none)"} not found`]);
      if (facet !== facetWanted) {
        return diagnoses(reply, 400, [`Facet ${facet || "(none)"} not allowed here; expected ${facetWanted}`]);
      }

      const baseUrl = baseUrlOf(request);
      const body: unknown = request.body;

      if (route.kind === "record") {
        const current = store.get(route.table, route.key);
        if (!current) return diagnoses(reply, 404, [`${route.table}: record ${route.key} does not exist`]);
        if (request.method === "GET") return present(route.table, current, options, baseUrl);
        if (request.method !== "PUT") return diagnoses(reply, 405, ["Method not allowed"]);
        if (!isPlainObject(body)) return diagnoses(reply, 400, ["A JSON object is expected"]);
        const checked = checkBody(route.table, body, options.yesNo, current);
        if (checked.malformed.length > 0) return diagnoses(reply, 400, checked.malformed);
        if (checked.refused.length > 0) return diagnoses(reply, 200, checked.refused);
        const updated = store.put(route.table, { ...current.values, ...checked.changes }, user);
        return present(route.table, updated, options, baseUrl);
      }

      if (route.kind === "template") {
        if (request.method !== "GET") return diagnoses(reply, 405, ["Method not allowed"]);
        const schema = TABLES[route.table];
        const template: Record<string, unknown> = { $uuid: randomUUID() };
        for (const field of schema.editable) {
          const value = schema.defaults[field] ?? "";
          const yesNo = schema.columns[field] === "yesNo";
          template[field] = yesNo ? encodeYesNo(decodeYesNo(value, "localMenu"), options.yesNo) : value;
        }
        return template;
      }

      if (request.method === "POST") {
        if (!isPlainObject(body)) return diagnoses(reply, 400, ["A JSON object is expected"]);
        const schema = TABLES[route.table];
        if (schema.editable.length === 0) return diagnoses(reply, 200, [`${route.table}: creation is not allowed`]);
        const checked = checkBody(route.table, body, options.yesNo, undefined);
        if (checked.malformed.length > 0) return diagnoses(reply, 400, checked.malformed);
        const refused = [...checked.refused];
        const missing = schema.keyFields.filter((f) => String(checked.changes[f] ?? "").trim() === "");
        refused.push(...missing.map((f) => `${f}: mandatory field`));
        const key = store.keyOf(route.table, checked.changes);
        if (missing.length === 0 && store.get(route.table, key)) refused.push(`${route.table}: record ${key} already exists`);
        if (route.table === "SYNCPAR" && missing.length === 0 && !store.get("AUTILIS", String(checked.changes.SYPUSR))) {
          refused.push(`SYPUSR: user ${String(checked.changes.SYPUSR)} does not exist`);
        }
        if (refused.length > 0) return diagnoses(reply, 200, refused);
        const created = store.put(route.table, { ...schema.defaults, ...checked.changes }, user, true, new Date(), checked.uuid);
        return reply.code(201).send(present(route.table, created, options, baseUrl));
      }

      return query(route.table, url, baseUrl, reply);
    },
  });

  function query(table: X3Table, url: URL, baseUrl: string, reply: FastifyReply): FastifyReply | Record<string, unknown> {
    const countParam = url.searchParams.get("count");
    const offsetParam = url.searchParams.get("offset");
    const count = countParam === null ? DEFAULT_PAGE_SIZE : Number(countParam);
    const offset = offsetParam === null ? 0 : Number(offsetParam);
    if (!Number.isInteger(count) || count < 1 || count > MAX_PAGE_SIZE) {
      return diagnoses(reply, 400, [`Invalid count ${countParam}`]);
    }
    if (!Number.isInteger(offset) || offset < 0) return diagnoses(reply, 400, [`Invalid offset ${offsetParam}`]);

    const where = url.searchParams.get("where");
    let rows = store.rows(table);
    if (where) {
      try {
        const predicate = compileWhere(where, new Set(Object.keys(TABLES[table].columns)));
        rows = rows.filter((r) => predicate(r.values));
      } catch (error) {
        if (error instanceof WhereSyntaxError) return diagnoses(reply, 400, [error.message]);
        throw error;
      }
    }
    const page = rows.slice(offset, offset + count);
    const envelope: Record<string, unknown> = {
      $itemsPerPage: count,
      $startIndex: offset,
      $resources: page.map((r) => present(table, r, options, baseUrl)),
    };
    if (offset + count < rows.length) {
      const first = queryUrl({ baseUrl, endpoint: options.endpoint, className: table }, table, where, count);
      const next = `${first}&offset=${offset + count}`;
      envelope.$links = { $next: { $url: next } };
    }
    return envelope;
  }
}
