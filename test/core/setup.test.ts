import { allFlags } from "../../src/core/flags";
import { mergeFlags } from "../../src/core/merge";
import { MAX_VERSION, parseIfMatch } from "../../src/core/etag";
import { FlagsSchema, SetupUpdateSchema, UserCodeSchema } from "../../src/core/setup";

describe("the setup payload schema", () => {
  const flags = allFlags(false);

  it("accepts exactly the 23 flags as booleans", () => {
    expect(SetupUpdateSchema.parse({ flags })).toEqual({ flags });
  });

  it("refuses an unknown code, CLLADXCRE, a missing flag, a non-boolean and extra properties", () => {
    expect(FlagsSchema.safeParse({ ...flags, XXXOTKCRE: true }).success).toBe(false);
    expect(FlagsSchema.safeParse({ ...flags, CLLADXCRE: false }).success).toBe(false);
    const { COROTKCRE: _, ...missing } = flags;
    expect(FlagsSchema.safeParse(missing).success).toBe(false);
    expect(FlagsSchema.safeParse({ ...flags, COROTKCRE: 2 }).success).toBe(false);
    expect(FlagsSchema.safeParse({ ...flags, COROTKCRE: "true" }).success).toBe(false);
    expect(SetupUpdateSchema.safeParse({ flags, version: 3 }).success).toBe(false);
  });

  it("normalizes X3 user codes and refuses anything that is not one", () => {
    expect(UserCodeSchema.parse("jsmith")).toBe("JSMITH");
    for (const bad of ["", "../etc", "JSMITH'", "A".repeat(11), "é"]) expect(UserCodeSchema.safeParse(bad).success).toBe(false);
  });

  it("reads If-Match as one of our strong ETags, a weak tag, `*`, or something malformed", () => {
    expect(parseIfMatch('"12"')).toEqual({ kind: "version", version: 12 });
    expect(parseIfMatch(' "0" ')).toEqual({ kind: "version", version: 0 });
    expect(parseIfMatch('W/"12"')).toEqual({ kind: "weak", version: 12 });
    expect(parseIfMatch('W/"x"')).toEqual({ kind: "weak", version: null });
    expect(parseIfMatch("*")).toEqual({ kind: "any" });
    expect(parseIfMatch(`"${MAX_VERSION}"`)).toEqual({ kind: "version", version: MAX_VERSION });
    for (const bad of ["banana", '"banana"', "12", '"-1"', '"1.5"', '""', '"1", "2"', `"${MAX_VERSION + 1}"`, '"99999999999"']) {
      expect([bad, parseIfMatch(bad)]).toEqual([bad, { kind: "malformed" }]);
    }
  });
});

describe("per-flag merge", () => {
  const base = allFlags(false);

  it("keeps both sides' changes when they touch different flags", () => {
    const mine = { ...base, COROTKCRE: true };
    const theirs = { ...base, TSKADXUPD: true };
    const r = mergeFlags(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.merged).toEqual({ ...base, COROTKCRE: true, TSKADXUPD: true });
  });

  it("is no conflict when both made the same change", () => {
    const both = { ...base, BAPADXDLT: true };
    expect(mergeFlags(base, both, both).conflicts).toEqual([]);
  });

  it("applies my changes on top of theirs; with two-valued flags no change can collide", () => {
    // Exhaustive over one flag: every (base, mine, theirs) triple.
    for (const b of [false, true])
      for (const m of [false, true])
        for (const t of [false, true]) {
          const r = mergeFlags({ ...base, COROTKDLT: b }, { ...base, COROTKDLT: m }, { ...base, COROTKDLT: t });
          expect(r.conflicts).toEqual([]);
          expect(r.merged.COROTKDLT).toBe(m !== b ? m : t);
        }
  });
});
