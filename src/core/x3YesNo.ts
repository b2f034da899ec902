/**
 * How X3 stores a yes/no field. SYNCPAR's flags are local menu 1 fields: 1 = No, 2 = Yes
 * (X3-CONTRACT.md, [S]). A customer's published representation may expose them as booleans instead,
 * so the encoding is a setting of the gateway; this is the only place that knows the numbers.
 */
export const YES_NO_ENCODINGS = ["localMenu", "boolean"] as const;
export type YesNoEncoding = (typeof YES_NO_ENCODINGS)[number];

export const X3_NO = 1;
export const X3_YES = 2;
export type X3LocalMenuYesNo = typeof X3_NO | typeof X3_YES;

export function encodeYesNo(value: boolean, encoding: YesNoEncoding = "localMenu"): X3LocalMenuYesNo | boolean {
  if (encoding === "boolean") return value;
  return value ? X3_YES : X3_NO;
}

/** Reads a yes/no value as X3 sent it; anything else is a contract violation, not a "no". */
export function decodeYesNo(raw: unknown, encoding: YesNoEncoding = "localMenu"): boolean {
  if (encoding === "boolean") {
    if (typeof raw === "boolean") return raw;
  } else {
    // X3 sends local menus as numbers; some representations send them as numeric strings.
    const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (n === X3_YES) return true;
    if (n === X3_NO) return false;
  }
  throw new TypeError(`Not an X3 yes/no value (${encoding}): ${JSON.stringify(raw)}`);
}

export function isYesNoValue(raw: unknown, encoding: YesNoEncoding = "localMenu"): boolean {
  try {
    decodeYesNo(raw, encoding);
    return true;
  } catch {
    return false;
  }
}
