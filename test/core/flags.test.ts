import {
  allFlags,
  changedFlags,
  FLAG_CODES,
  FLAGS,
  flagCodeOf,
  flagDefinition,
  isFlagCode,
  SYNCPAR_CODES,
  SYNCPAR_FLAGS,
} from "../../src/core/flags";

describe("the SYNCPAR flag catalogue", () => {
  it("has the 24 columns of SYNCPAR, of which 23 can be set", () => {
    expect(SYNCPAR_FLAGS).toHaveLength(24);
    expect(new Set(SYNCPAR_CODES).size).toBe(24);
    expect(FLAGS).toHaveLength(23);
    expect(SYNCPAR_CODES.filter((c) => !isFlagCode(c))).toEqual(["CLLADXCRE"]);
  });

  it("names every code from its entity, side and action", () => {
    for (const f of SYNCPAR_FLAGS) expect(flagCodeOf(f.entity, f.side, f.action)).toBe(f.code);
    expect(flagDefinition("BAPADXDLT")).toMatchObject({ entity: "appointment", side: "x3", action: "delete" });
    expect(flagDefinition("COROTKCRE")).toMatchObject({ entity: "contact", side: "outlook", action: "create" });
  });

  it("uses the labels of the GESSYP screen", () => {
    expect(FLAGS.map((f) => f.label)).toEqual([
      "Create Outlook contact", "Create X3 contact", "Update Outlook contact", "Update X3 contact",
      "Delete Outlook contact", "Delete X3 contact",
      "Create Outlook task", "Create X3 task", "Update Outlook task", "Update X3 task",
      "Delete Outlook task", "Delete X3 task",
      "Create Outlook call", "Update Outlook call", "Update X3 call", "Delete Outlook call", "Delete X3 call",
      "Create Outlook appt.", "Create X3 appt.", "Update Outlook appt.", "Update X3 appt.",
      "Delete Outlook appt.", "Delete X3 appt.",
    ]);
  });

  it("mends the seed's two copy errors", () => {
    expect(flagDefinition("CLLOTKUPD").help).toMatch(/also updated in the Outlook task workbench/);
    expect(flagDefinition("CLLOTKUPD").help).not.toMatch(/deleted/);
    expect(flagDefinition("BAPADXDLT").help).toBe("When it is on, this flag authorizes the deletion of appointments in Sage X3.");
  });

  it("gives every flag a help text", () => {
    for (const f of SYNCPAR_FLAGS) expect(f.help.length).toBeGreaterThan(20);
  });

  it("lists what changed between two flag sets, in catalogue order", () => {
    const after = { ...allFlags(false), TSKADXDLT: true, COROTKCRE: true };
    expect(changedFlags(allFlags(false), after)).toEqual(["COROTKCRE", "TSKADXDLT"]);
    expect(changedFlags(after, after)).toEqual([]);
    expect(FLAG_CODES).not.toContain("CLLADXCRE");
  });
});
