/**
 * Every error the API answers is RFC 9457 problem details with a stable `code` the pane turns into a
 * sentence in the user's language. Nothing internal (stack, SQL, paths) ever reaches a client.
 */
import type { Problem } from "../core/setup";

export const PROBLEM_TITLES = {
  "malformed-json": "The request body is not valid JSON",
  "invalid-request": "The request does not have the expected form",
  "body-too-large": "The request body is too large",
  "unsupported-media-type": "Only application/json is accepted",
  unauthenticated: "Sign-in is required",
  forbidden: "You may not do this",
  "no-x3-user": "No X3 user has this e-mail address",
  "ambiguous-x3-user": "Several X3 users have this e-mail address",
  "identity-changed": "This e-mail address belongs to another account in this add-in",
  "not-found": "Not found",
  "method-not-allowed": "Method not allowed",
  "if-match-required": "The If-Match header is required",
  "version-mismatch": "The setup was changed since you loaded it",
  "flag-locked": "Company policy locks this flag",
  "x3-unavailable": "X3 cannot be reached",
  "x3-not-published": "X3 does not publish this to the add-in",
  "rate-limited": "Too many requests",
  internal: "Something went wrong on the server",
} as const;

export type ProblemCode = keyof typeof PROBLEM_TITLES;

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extra: Partial<Pick<Problem, "errors" | "current">> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? PROBLEM_TITLES[code]);
  }

  toProblem(instance?: string): Problem {
    return problem(this.status, this.code, this.detail, instance, this.extra);
  }
}

export function problem(
  status: number,
  code: ProblemCode,
  detail?: string,
  instance?: string,
  extra: Partial<Pick<Problem, "errors" | "current">> = {},
): Problem {
  return {
    type: `urn:x3-sync-setup:problem:${code}`,
    title: PROBLEM_TITLES[code],
    status,
    code,
    ...(detail ? { detail } : {}),
    ...(instance ? { instance } : {}),
    ...extra,
  };
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";
