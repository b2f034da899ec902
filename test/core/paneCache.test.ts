/**
 * The pane's cache as it sits in roaming settings, where other versions of the add-in read and write it:
 * the hand-written reader is as strict as the schema it replaces, a later version's value is read and
 * left alone, a corrupted one is nothing cached, and what the pane writes stays far below Office's 32 KB.
 */
import fc from "fast-check";
import { z } from "zod";
import { allFlags, FLAG_CODES, type FlagCode } from "../../src/core/flags";
import {
  CACHED_NAME_MAX,
  inspectPaneCache,
  mustWrite,
  PANE_CACHE_SCHEMA,
  type PaneCache,
  readPaneCache,
  stillToSend,
  storedForm,
} from "../../src/core/paneCache";

const pending = {
  userCode: "JSMITH",
  flags: { ...allFlags(false), TSKADXDLT: true },
  baseVersion: 3,
  baseFlags: allFlags(false),
  since: "2026-11-27T10:00:00.000Z",
};
const good: PaneCache = {
  schema: 1,
  userCode: "JSMITH",
  userName: "John Smith",
  flags: allFlags(false),
  version: 3,
  seenAt: "2026-11-27T10:00:00.000Z",
  pending,
};

/** The zod schema the hand-written reader replaces (as it was in src/core/paneCache.ts), the reference for strictness. */
const zodFlags = z.strictObject(Object.fromEntries(FLAG_CODES.map((c) => [c, z.boolean()])) as Record<FlagCode, z.ZodBoolean>);
const zodPending = z.strictObject({
  userCode: z.string(),
  flags: zodFlags,
  baseVersion: z.number().int().nonnegative(),
  baseFlags: zodFlags,
  since: z.iso.datetime(),
});
const zodCache = z.strictObject({
  schema: z.literal(1),
  userCode: z.string(),
  userName: z.string(),
  flags: zodFlags,
  version: z.number().int().nonnegative(),
  seenAt: z.iso.datetime(),
  pending: zodPending.nullable(),
});

/** A value near a valid one: each field kept, replaced by something odd, or removed, and keys added. */
const odd = fc.oneof(
  { weight: 1, arbitrary: fc.anything() },
  { weight: 2, arbitrary: fc.constantFrom(-1, 0, 1.5, 2 ** 53, "1", "", "JSMITH", "2026-11-27T10:00Z", "2026-02-30T10:00:00Z", "2026-11-27T10:00:00.5Z", null, true) },
);
const field = <T>(valid: T) => fc.oneof({ weight: 8, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: odd }, { weight: 1, arbitrary: fc.constant(undefined) });
const flagsNear = fc.oneof(
  { weight: 8, arbitrary: fc.constant(allFlags(false)) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FLAG_CODES, "CLLADXCRE", "x"), fc.oneof(fc.boolean(), odd)) },
  { weight: 1, arbitrary: odd },
);
const pendingNear = fc.record({ userCode: field("JSMITH"), flags: flagsNear, baseVersion: field(3), baseFlags: flagsNear, since: field(pending.since) });
const nearValue = fc
  .tuple(
    fc.record({
      schema: field(1),
      userCode: field("JSMITH"),
      userName: field("John Smith"),
      flags: flagsNear,
      version: field(3),
      seenAt: field(good.seenAt),
      pending: fc.oneof(fc.constant(null), pendingNear, odd),
    }),
    fc.dictionary(fc.string(), fc.anything(), { maxKeys: 2 }),
  )
  .map(([v, extra]) => JSON.parse(JSON.stringify({ ...extra, ...v })) as unknown);

/** Office keeps settings as JSON: this is the size they count toward the 32 KB. */
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

describe("reading the pane's cache", () => {
  it("reads the current schema, as an object or as JSON text, with or without a pending change", () => {
    expect(readPaneCache(good)).toEqual(good);
    expect(readPaneCache(JSON.stringify(good))).toEqual(good);
    expect(readPaneCache({ ...good, pending: null })).toEqual({ ...good, pending: null });
    expect(inspectPaneCache(good)).toEqual({ state: "current", cache: good });
  });

  it("reads a value written by an older version of the add-in (schema 1 is the only one ever written)", () => {
    // As the zod-based version read it: seconds without fractions are valid ISO too.
    const old = { ...good, seenAt: "2026-01-05T08:30:00Z", pending: { ...pending, since: "2026-01-05T08:29:59.5Z" } };
    expect(readPaneCache(JSON.parse(JSON.stringify(old)))).toEqual(old);
  });

  it("is as strict as the zod schema: flags, versions, dates, user codes and unknown keys", () => {
    const bad: unknown[] = [
      { ...good, flags: { COROTKCRE: true } },
      { ...good, flags: { ...allFlags(false), CLLADXCRE: false } },
      { ...good, flags: { ...allFlags(false), COROTKCRE: "yes" } },
      { ...good, flags: { ...allFlags(false), COROTKCRE: 1 } },
      { ...good, version: -1 },
      { ...good, version: 1.5 },
      { ...good, version: "3" },
      { ...good, version: Number.MAX_SAFE_INTEGER + 1 },
      { ...good, seenAt: "yesterday" },
      { ...good, seenAt: "2026-02-31T10:00:00.000Z" },
      { ...good, seenAt: "2026-11-27T10:00:00.000+01:00" },
      { ...good, seenAt: "2026-11-27T10:00Z" },
      { ...good, seenAt: "2026-11-27T24:00:00Z" },
      { ...good, userCode: "" },
      { ...good, userCode: "../../etc" },
      { ...good, userCode: "ABCDEFGHIJK" },
      { ...good, userName: 42 },
      { ...good, extra: true },
      { ...good, pending: { ...pending, extra: 1 } },
      { ...good, pending: { ...pending, baseVersion: -2 } },
      { ...good, pending: { ...pending, baseFlags: {} } },
      { ...good, pending: { ...pending, since: null } },
      { ...good, pending: "none" },
      (({ pending: _, ...rest }) => rest)(good),
      [good],
      JSON.stringify([good]),
    ];
    for (const value of bad) expect([value, readPaneCache(value)]).toEqual([value, null]);
  });

  it("accepts no value the zod schema refused, and reads what it accepted the same (property, 3000 cases)", () => {
    fc.assert(
      fc.property(nearValue, (value) => {
        const stored = inspectPaneCache(value);
        const theirs = zodCache.safeParse(value);
        // (A later schema's value is read on purpose, through its schema-1 fields: see below.)
        if (stored.state === "current") expect(theirs.success).toBe(true);
        // Stricter only on user codes (the X3 pattern the server gives); a name is cut to CACHED_NAME_MAX.
        const code = /^[A-Za-z0-9_]{1,10}$/;
        if (theirs.success && code.test(theirs.data.userCode) && (theirs.data.pending === null || code.test(theirs.data.pending.userCode))) {
          expect(stored).toEqual({ state: "current", cache: { ...theirs.data, userName: theirs.data.userName.slice(0, CACHED_NAME_MAX) } });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("treats a corrupted, truncated or unknown older value as nothing cached, never throwing", () => {
    const text = JSON.stringify(good);
    for (const value of ["{not json", text.slice(0, text.length / 2), "", "null", 42, true, { ...good, schema: 0 }, { ...good, schema: "1" }]) {
      expect(inspectPaneCache(value)).toEqual({ state: "corrupted" });
    }
    expect(inspectPaneCache(undefined)).toEqual({ state: "empty" });
    expect(inspectPaneCache(null)).toEqual({ state: "empty" });
    // Every prefix of a valid value (a write cut short) reads as nothing, and never as something else.
    for (let i = 0; i < text.length; i++) expect(readPaneCache(text.slice(0, i))).toBeNull();
  });

  it("does not let a stored key reach Object.prototype", () => {
    const hostile = `{"schema":1,"userCode":"JSMITH","userName":"x","flags":${JSON.stringify(allFlags(false)).replace("{", '{"__proto__":{"polluted":true},')},"version":1,"seenAt":"2026-11-27T10:00:00Z","pending":null}`;
    expect(readPaneCache(hostile)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads a later version's value through its schema-1 fields, ignoring what it added", () => {
    const later = { ...good, schema: 2, theme: "dark", pending: { ...pending, note: "x" } };
    const stored = inspectPaneCache(later);
    expect(stored).toEqual({ state: "newer", schema: 2, cache: good });
    // Its flags are still exactly the 23: a later format this version cannot read is no cache, not a crash.
    expect(inspectPaneCache({ schema: 3, flags: "packed:0x1F" })).toEqual({ state: "newer", schema: 3, cache: null });
  });
});

describe("writing the pane's cache", () => {
  const fresh = { ...good, pending: null };

  it("leaves a later version's value alone unless an unsent change must be kept or cleared", () => {
    const laterNoPending = inspectPaneCache({ ...fresh, schema: 2 });
    const laterPending = inspectPaneCache({ ...good, schema: 2 });
    const laterUnreadable = inspectPaneCache({ schema: 2 });
    expect(mustWrite(laterNoPending, fresh)).toBe(false);
    expect(mustWrite(laterUnreadable, fresh)).toBe(false);
    expect(mustWrite(laterNoPending, good)).toBe(true); // a change of ours to keep
    expect(mustWrite(laterPending, fresh)).toBe(true); // its change, sent by us, to clear
    for (const s of [inspectPaneCache(undefined), inspectPaneCache("{bad"), inspectPaneCache(good)]) expect(mustWrite(s, fresh)).toBe(true);
  });

  it("writes exactly schema 1's fields, which this version and older ones read back", () => {
    const sloppy = { ...good, flags: { ...good.flags, CLLADXCRE: false }, extra: 1 } as unknown as PaneCache;
    const written = storedForm(sloppy);
    expect(Object.keys(written).sort()).toEqual(["flags", "pending", "schema", "seenAt", "userCode", "userName", "version"]);
    expect(Object.keys(written.flags)).toHaveLength(FLAG_CODES.length);
    expect(written.schema).toBe(PANE_CACHE_SCHEMA);
    expect(inspectPaneCache(JSON.parse(JSON.stringify(written)))).toEqual({ state: "current", cache: written });
  });

  it("keeps the largest value it writes far below Office's 32 KB", () => {
    // The worst case: a pending change, and a very long name of characters JSON escapes to six bytes each.
    const worst = storedForm({ ...good, userName: "\u0001".repeat(10_000), pending: { ...pending, userCode: "ABCDEFGHIJ" }, userCode: "ABCDEFGHIJ" });
    expect(worst.userName).toHaveLength(CACHED_NAME_MAX);
    const size = bytes({ x3SyncSetup: worst });
    // An eighth of the limit: the pane works while other keys fill the other seven eighths.
    expect(size).toBeLessThan(4 * 1024);
    // A long name in four-byte characters is cut on a character boundary.
    const emoji = storedForm({ ...good, userName: "😀".repeat(500) }).userName;
    expect(emoji.length).toBeLessThanOrEqual(CACHED_NAME_MAX);
    expect(/[\uD800-\uDBFF]$/.test(emoji)).toBe(false);
    process.stdout.write(`paneCache: largest value written ${size} bytes (limit 32768)\n`);
  });
});

describe("a change restored from the cache", () => {
  it("is sent unless the server already holds it", () => {
    const server = (version: number, over = {}) => ({ version, flags: { ...allFlags(false), ...over } });
    expect(stillToSend(pending, server(3))).toBe(true); // the server has not moved
    expect(stillToSend(pending, server(4, { TSKADXDLT: true }))).toBe(false); // accepted, not cleared from the cache
    expect(stillToSend(pending, server(4, { TSKADXDLT: true, CORADXCRE: true }))).toBe(false);
    expect(stillToSend(pending, server(4, { CORADXCRE: true }))).toBe(true); // someone else's change: merge and send
  });
});
