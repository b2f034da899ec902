/**
 * The ETag of a setup is its version number, quoted. Zod-free, so the pane can use it without shipping zod
 * (src/core/setup.ts re-exports both functions for the server).
 */

export function etagOf(version: number): string {
  return `"${version}"`;
}


/** The largest version a setup or policy can have (the store's columns are 32-bit integers). */
export const MAX_VERSION = 2_147_483_647;

/** What an If-Match header asks for, as a write of this API reads it (RFC 9110 §13.1.1). */
export type IfMatch =
  | { readonly kind: "version"; readonly version: number }
  /** W/"n": If-Match compares strongly, so a weak tag never matches. */
  | { readonly kind: "weak"; readonly version: number | null }
  /** `*`: "any version", which this API never accepts: a write names the version it was made from. */
  | { readonly kind: "any" }
  | { readonly kind: "malformed" };

export function parseIfMatch(header: string): IfMatch {
  const value = header.trim();
  if (value === "*") return { kind: "any" };
  const m = /^(W\/)?"([^"]*)"$/.exec(value);
  if (!m) return { kind: "malformed" };
  const digits = /^\d{1,10}$/.test(m[2]!) ? Number(m[2]) : null;
  const version = digits !== null && digits <= MAX_VERSION ? digits : null;
  if (m[1]) return { kind: "weak", version };
  return version === null ? { kind: "malformed" } : { kind: "version", version };
}
