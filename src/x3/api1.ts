/**
 * The Syracuse "api1" URL forms and envelope conventions (X3-CONTRACT.md), shared by the gateway
 * and the emulator so both sides quote and read them the same way.
 */
import type { X3Diagnosis } from "./errors";

export type X3Facet = "$details" | "$edit" | "$create" | "$query";

/** A string literal in an api1 key or `where` clause: single quotes, an embedded quote doubled. */
export function x3Literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Composite keys join their parts with `~` (X3-CONTRACT.md, [S]). */
export function x3Key(parts: readonly string[]): string {
  return parts.join("~");
}

export interface Api1Target {
  readonly baseUrl: string;
  readonly endpoint: string;
  readonly className: string;
}

function classUrl(target: Api1Target): string {
  return `${target.baseUrl}/api1/x3/erp/${encodeURIComponent(target.endpoint)}/${encodeURIComponent(target.className)}`;
}

function withRepresentation(url: string, representation: string, facet: X3Facet, extra?: URLSearchParams): string {
  // The facet's "$" is part of X3's syntax; URLSearchParams would escape it, which X3 does not expect.
  const query = `representation=${encodeURIComponent(representation)}.${facet}`;
  const more = extra && [...extra.keys()].length > 0 ? `&${extra.toString()}` : "";
  return `${url}?${query}${more}`;
}

/** `{CLASS}('{KEY}')`: the literal is URL-encoded inside the parentheses. */
export function recordUrl(target: Api1Target, representation: string, facet: "$details" | "$edit", key: string): string {
  return withRepresentation(`${classUrl(target)}(${encodeURIComponent(x3Literal(key))})`, representation, facet);
}

export function templateUrl(target: Api1Target, representation: string): string {
  return withRepresentation(`${classUrl(target)}/$template`, representation, "$create");
}

export function createUrl(target: Api1Target, representation: string): string {
  return withRepresentation(classUrl(target), representation, "$create");
}

export function queryUrl(target: Api1Target, representation: string, where: string | null, count: number): string {
  const extra = new URLSearchParams();
  if (where) extra.set("where", where);
  extra.set("count", String(count));
  return withRepresentation(classUrl(target), representation, "$query", extra);
}

/** Parses `CLASS('KEY')` (already URL-decoded); null when the segment is not of that form. */
export function parseRecordSegment(segment: string): { className: string; key: string } | null {
  const m = /^([^(]+)\('((?:[^']|'')*)'\)$/.exec(segment);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return { className: m[1], key: m[2].replace(/''/g, "'") };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function diagnosesOf(value: unknown): X3Diagnosis[] {
  if (!isPlainObject(value) || !Array.isArray(value.$diagnoses)) return [];
  return value.$diagnoses.filter(isPlainObject).map((d) => ({
    severity: typeof d.$severity === "string" ? d.$severity : "error",
    message: typeof d.$message === "string" ? d.$message : JSON.stringify(d),
  }));
}

/**
 * Every diagnosis of an api1 body: the envelope's own, and those X3 attaches to a property
 * (`$properties.FIELD.$diagnoses`) or to a resource of a query page.
 */
export function collectDiagnoses(body: unknown): X3Diagnosis[] {
  if (!isPlainObject(body)) return [];
  const found = diagnosesOf(body);
  if (isPlainObject(body.$properties)) {
    for (const prop of Object.values(body.$properties)) found.push(...diagnosesOf(prop));
  }
  if (Array.isArray(body.$resources)) for (const r of body.$resources) found.push(...diagnosesOf(r));
  return found;
}

/** Severity "error" or worse blocks the operation; "warning", "info" and "success" do not. */
export function isBlocking(diagnosis: X3Diagnosis): boolean {
  return ["error", "fatal"].includes(diagnosis.severity.toLowerCase());
}

export function diagnosesBody(message: string, severity = "error"): { $diagnoses: { $severity: string; $message: string }[] } {
  return { $diagnoses: [{ $severity: severity, $message: message }] };
}
