/**
 * The pane ships no zod: where it needs part of a zod-declared contract, a hand-written twin lives in a
 * zod-free module (src/core/paneSignIn.ts, locks.ts, etag.ts, impactLines.ts). The types are checked equal at
 * compile time beside each schema; this checks that the sign-in guard accepts exactly what the schema accepts.
 */
import fc from "fast-check";
import { isPaneSignIn } from "../../src/core/paneSignIn";
import { PaneSignInSchema } from "../../src/core/setup";

const entra = { mode: "entra", clientId: "0f1e2d3c", authority: "https://login.microsoftonline.com/contoso.onmicrosoft.com", scopes: ["api://x/access"] };

const SAMPLES: unknown[] = [
  { mode: "development" },
  { mode: "development", clientId: "x" },
  { mode: "Development" },
  entra,
  { ...entra, extra: 1 },
  { ...entra, extra: undefined },
  { ...entra, clientId: "" },
  { ...entra, clientId: 7 },
  { ...entra, authority: "http://login.microsoftonline.com/x" },
  { ...entra, authority: "  https://login.microsoftonline.com/x  " },
  { ...entra, authority: "https:login.microsoftonline.com" },
  { ...entra, authority: "https://" },
  { ...entra, authority: "login.microsoftonline.com" },
  { ...entra, authority: "HTTPS://LOGIN.MICROSOFTONLINE.COM/x" },
  { ...entra, authority: "ftp://x" },
  { ...entra, scopes: [] },
  { ...entra, scopes: [""] },
  { ...entra, scopes: ["a", 1] },
  { ...entra, scopes: "a" },
  { mode: "entra" },
  { clientId: "x" },
  null,
  undefined,
  "development",
  [],
  [entra],
  42,
];

describe("isPaneSignIn, the pane's zod-free check of GET /api/v1/auth/config", () => {
  it.each(SAMPLES.map((s) => [JSON.stringify(s) ?? String(s), s]))("agrees with PaneSignInSchema on %s", (_, sample) => {
    expect(isPaneSignIn(sample)).toBe(PaneSignInSchema.safeParse(sample).success);
  });

  it("agrees with PaneSignInSchema on generated answers", () => {
    const text = fc.oneof(fc.string(), fc.constantFrom("", "https://login.microsoftonline.com/t/v2.0", "http://x", "https://a b", " https://x "));
    const answer = fc.oneof(
      fc.record({ mode: fc.constantFrom("development", "entra", "other") }, { requiredKeys: [] }),
      fc.record(
        { mode: fc.constantFrom("entra", "development"), clientId: fc.oneof(text, fc.integer()), authority: text, scopes: fc.array(text, { maxLength: 3 }) },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    fc.assert(fc.property(answer, (value) => isPaneSignIn(value) === PaneSignInSchema.safeParse(value).success), { numRuns: 2000 });
  });
});
