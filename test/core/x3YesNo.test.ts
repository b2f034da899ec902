import { decodeYesNo, encodeYesNo, isYesNoValue } from "../../src/core/x3YesNo";

describe("X3 yes/no encoding", () => {
  it("writes local menu 1 as 1 = No and 2 = Yes", () => {
    expect(encodeYesNo(true)).toBe(2);
    expect(encodeYesNo(false)).toBe(1);
    expect(decodeYesNo(2)).toBe(true);
    expect(decodeYesNo(1)).toBe(false);
    expect(decodeYesNo("2")).toBe(true);
  });

  it("can speak booleans when a representation exposes them so", () => {
    expect(encodeYesNo(true, "boolean")).toBe(true);
    expect(decodeYesNo(false, "boolean")).toBe(false);
  });

  it("refuses anything else rather than reading it as No", () => {
    for (const raw of [0, 3, "", "yes", null, undefined, true]) {
      expect(() => decodeYesNo(raw)).toThrow(TypeError);
      expect(isYesNoValue(raw)).toBe(false);
    }
    expect(() => decodeYesNo(1, "boolean")).toThrow(TypeError);
  });
});
