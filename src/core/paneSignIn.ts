/**
 * How the pane signs in (GET /api/v1/auth/config): development tokens, or Microsoft Entra ID. The pane
 * checks the answer with `isPaneSignIn`, written by hand so that it does not ship zod; the server declares
 * the same contract as PaneSignInSchema in src/core/setup.ts, which checks at compile time that its output
 * type is this one (test/core/zodFree.test.ts checks that both accept the same values).
 */

export type PaneSignIn =
  | { readonly mode: "development" }
  | {
      readonly mode: "entra";
      readonly clientId: string;
      /** An https URL. */
      readonly authority: string;
      readonly scopes: string[];
    };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Exactly these keys, no other (the schema is strict). */
function hasKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(value, k));
}

const nonEmptyString = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** An absolute URL whose scheme is https, as zod's `z.url({ protocol: /^https$/ })` reads it (trimmed first). */
function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    return new URL(value.trim()).protocol === "https:";
  } catch {
    return false;
  }
}

export function isPaneSignIn(value: unknown): value is PaneSignIn {
  if (!isRecord(value)) return false;
  if (value.mode === "development") return hasKeys(value, ["mode"]);
  if (value.mode !== "entra" || !hasKeys(value, ["mode", "clientId", "authority", "scopes"])) return false;
  return (
    nonEmptyString(value.clientId) &&
    isHttpsUrl(value.authority) &&
    Array.isArray(value.scopes) &&
    value.scopes.length > 0 &&
    value.scopes.every(nonEmptyString)
  );
}
