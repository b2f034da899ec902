/**
 * The ETag of a setup is its version number, quoted. Zod-free, so the pane can use it without shipping zod
 * (src/core/setup.ts re-exports both functions for the server).
 */

export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Parses an If-Match value into a version; null when it is not one of ours (a weak or foreign tag). */
export function versionFromEtag(header: string | undefined): number | null {
  if (!header) return null;
  const m = /^\s*"(\d{1,15})"\s*$/.exec(header);
  return m ? Number(m[1]) : null;
}
