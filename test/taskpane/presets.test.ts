import { allFlags, FLAGS, type Flags } from "../../src/core/flags";
import { applyPreset, deletionsTurnedOn, PRESETS } from "../../src/taskpane/presets";

const on = (flags: Flags) => FLAGS.filter((f) => flags[f.code]).map((f) => f.code);

describe("presets", () => {
  it("two-way turns every flag on; off turns every flag off", () => {
    expect(on(applyPreset("twoWay", allFlags(false), {}, {}).flags)).toHaveLength(23);
    expect(on(applyPreset("off", allFlags(true), {}, {}).flags)).toHaveLength(0);
  });

  it("one-way presets turn on exactly one side", () => {
    const toOutlook = applyPreset("x3ToOutlook", allFlags(false), {}, {}).flags;
    expect(FLAGS.every((f) => toOutlook[f.code] === (f.side === "outlook"))).toBe(true);
    const toX3 = applyPreset("outlookToX3", allFlags(true), {}, {}).flags;
    expect(FLAGS.every((f) => toX3[f.code] === (f.side === "x3"))).toBe(true);
  });

  it("never delete creates and updates both ways and deletes nothing", () => {
    const r = applyPreset("neverDelete", allFlags(true), {}, {});
    expect(FLAGS.every((f) => r.flags[f.code] === (f.action !== "delete"))).toBe(true);
    expect(r.changes.map((c) => c.code)).toEqual(FLAGS.filter((f) => f.action === "delete").map((f) => f.code));
    expect(r.changes.every((c) => c.from && !c.to)).toBe(true);
  });

  it("lists only real changes, and leaves locked flags and switched-off entities alone", () => {
    const start = { ...allFlags(false), COROTKCRE: true };
    const r = applyPreset("twoWay", start, { TSKADXDLT: { value: false, reason: "Audit" } }, { call: "CRMSYNCCLL" });
    expect(r.changes.find((c) => c.code === "COROTKCRE")).toBeUndefined();
    expect(r.flags.TSKADXDLT).toBe(false);
    expect(r.flags.CLLOTKCRE).toBe(false);
    expect(r.kept).toEqual(["TSKADXDLT", "CLLOTKCRE", "CLLOTKUPD", "CLLADXUPD", "CLLOTKDLT", "CLLADXDLT"]);
    expect(r.changes).toHaveLength(23 - 1 - r.kept.length);
  });

  it("every preset is idempotent", () => {
    for (const p of PRESETS) {
      const once = applyPreset(p, allFlags(false), {}, {}).flags;
      expect(applyPreset(p, once, {}, {}).changes).toEqual([]);
    }
  });

  it("names the delete flags a change turns on", () => {
    const before = { ...allFlags(false), CORADXDLT: true };
    expect(deletionsTurnedOn(before, { CORADXDLT: true, COROTKDLT: true, COROTKCRE: true, TSKADXDLT: false })).toEqual(["COROTKDLT"]);
  });
});
