/**
 * Two panes of one user and the administrator saving the same setup at once, through the HTTP API with
 * If-Match as the pane sends it, and with the pane's own 412 handling: merge per flag (src/core/merge.ts)
 * against the version it started from, then send the merged change on the newer version.
 */
import fc from "fast-check";
import { FLAG_CODES, type FlagCode, type Flags } from "../../src/core/flags";
import { mergeFlags } from "../../src/core/merge";
import type { HistoryEntry, SyncSetup } from "../../src/core/setup";
import { bearer, type Harness, startHarness } from "../server/harness";

jest.setTimeout(30_000);

let h: Harness;
const tokens = new Map<string, string>();

interface Sent {
  readonly writer: string;
  /** The flags this writer meant to change, and to what. */
  readonly intent: Partial<Flags>;
  readonly version: number;
  readonly flags: Flags;
}

async function put(email: string, version: number, flags: Flags) {
  return h.app.inject({
    method: "PUT",
    url: "/api/v1/setups/JSMITH",
    headers: { ...bearer(tokens.get(email)!), "if-match": `"${version}"` },
    payload: { flags },
  });
}

async function read(email = "jsmith@contoso.com"): Promise<SyncSetup> {
  const res = await h.app.inject({ url: "/api/v1/setups/JSMITH", headers: bearer(tokens.get(email)!) });
  expect(res.statusCode).toBe(200);
  return res.json<SyncSetup>();
}

async function history(): Promise<HistoryEntry[]> {
  const res = await h.app.inject({ url: "/api/v1/setups/JSMITH/history?pageSize=100", headers: bearer(tokens.get("admin@contoso.com")!) });
  return res.json<{ items: HistoryEntry[] }>().items.sort((a, b) => a.version - b.version);
}

/**
 * A pane's save, as useSyncSetup sends it: If-Match the version it started from; on a 412, merge its
 * change into the version the server reports and send again; give up (and show the conflict) only when
 * the merge reports one. Returns what was acknowledged, and the conflicts met on the way.
 */
async function paneSave(email: string, base: SyncSetup, intent: Partial<Flags>, acks: Sent[]): Promise<{ conflicts: FlagCode[]; rounds: number }> {
  let baseVersion = base.version;
  let baseFlags = base.flags;
  let flags: Flags = { ...base.flags, ...intent };
  for (let rounds = 1; rounds <= 20; rounds++) {
    const res = await put(email, baseVersion, flags);
    if (res.statusCode === 200) {
      // The write is the compare-and-set on baseVersion: it is version baseVersion + 1.
      acks.push({ writer: email, intent, version: baseVersion + 1, flags });
      return { conflicts: [], rounds };
    }
    expect(res.statusCode).toBe(412);
    const current = res.json<{ current: SyncSetup }>().current;
    const merged = mergeFlags(baseFlags, flags, current.flags);
    if (merged.conflicts.length) return { conflicts: [...merged.conflicts], rounds };
    baseVersion = current.version;
    baseFlags = current.flags;
    flags = merged.merged;
  }
  throw new Error("no progress after 20 rounds");
}

/** The flags `version` holds, replaying history from version 1's flags. */
function replay(entries: HistoryEntry[], first: Flags): Map<number, Flags> {
  const at = new Map<number, Flags>();
  let flags = first;
  for (const e of entries) {
    flags = { ...flags, ...Object.fromEntries(e.changes.map((c) => [c.code, c.to])) };
    at.set(e.version, flags);
  }
  return at;
}

async function startingPoint(): Promise<SyncSetup> {
  // JSMITH has no SYNCPAR row: the first read takes nothing, the first save creates version 1.
  const first = await put("jsmith@contoso.com", 0, Object.fromEntries(FLAG_CODES.map((c) => [c, false])) as Flags);
  expect(first.statusCode).toBe(200);
  return read();
}

describe("two panes of one user and the administrator, saving at once", () => {
  beforeEach(async () => {
    h = await startHarness();
    for (const email of ["jsmith@contoso.com", "admin@contoso.com"]) tokens.set(email, await h.token(email));
  });
  afterEach(() => h.close());

  it("lose no update: every acknowledged change is in history, in order, and the last writer's merge is the result", async () => {
    const base = await startingPoint();
    const [a, b, c] = [FLAG_CODES.slice(0, 7), FLAG_CODES.slice(7, 15), FLAG_CODES.slice(15)];
    const writers = [
      { email: "jsmith@contoso.com", own: a! },
      { email: "jsmith@contoso.com", own: b! },
      { email: "admin@contoso.com", own: c! },
    ];
    const acks: Sent[] = [];
    let rounds = 0;
    // Each writer changes only its own flags, five times, all three at once, each from the version it last saw.
    await Promise.all(
      writers.map(async (w, i) => {
        let seen = base;
        for (let step = 0; step < 5; step++) {
          const intent = Object.fromEntries(w.own.map((code, k) => [code, (k + step + i) % 2 === 0])) as Partial<Flags>;
          const result = await paneSave(w.email, seen, intent, acks);
          expect(result.conflicts).toEqual([]);
          rounds += result.rounds;
          seen = await read(w.email);
        }
      }),
    );
    expect(acks).toHaveLength(15);
    expect(rounds).toBeGreaterThan(15); // the writers did collide

    const entries = await history();
    const final = await read();
    // One version per acknowledged save (plus version 1), no gap, no duplicate.
    expect(entries.map((e) => e.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(final.version).toBe(16);
    const flagsAt = replay(entries, base.flags);
    for (const ack of acks) {
      // The acknowledged version holds exactly the flags sent, which include the writer's intent.
      expect(flagsAt.get(ack.version)).toEqual(ack.flags);
      expect(ack.flags).toMatchObject(ack.intent);
    }
    // The final state is the last writer's merged change, and every writer's last intent survives in it.
    const last = acks.reduce((x, y) => (x.version > y.version ? x : y));
    expect(final.flags).toEqual(last.flags);
    for (const w of writers) {
      // Writers' flags are disjoint, so the intent says whose save it was.
      const lastOfWriter = acks.filter((s) => w.own.every((code) => code in s.intent)).at(-1)!;
      expect(final.flags).toMatchObject(lastOfWriter.intent);
    }
  });

  it("a stale If-Match never overwrites: 412 with the current setup, and nothing is written", async () => {
    const base = await startingPoint();
    expect((await put("admin@contoso.com", base.version, { ...base.flags, CORADXCRE: true })).statusCode).toBe(200);
    const stale = await put("jsmith@contoso.com", base.version, { ...base.flags, COROTKCRE: true });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().current).toMatchObject({ version: base.version + 1, flags: { CORADXCRE: true, COROTKCRE: false } });
    expect((await read()).version).toBe(base.version + 1);
    expect((await history()).map((e) => e.version)).toEqual([1, 2]);
  });

  it("the same flag changed by both panes merges silently (both changed it to the same value)", async () => {
    const base = await startingPoint();
    const acks: Sent[] = [];
    const [first, second] = await Promise.all([
      paneSave("jsmith@contoso.com", base, { COROTKCRE: true }, acks),
      paneSave("jsmith@contoso.com", base, { COROTKCRE: true, CORADXCRE: true }, acks),
    ]);
    expect(first.conflicts).toEqual([]);
    expect(second.conflicts).toEqual([]);
    expect(first.rounds + second.rounds).toBe(3); // one of them met a 412 and merged
    expect((await read()).flags).toMatchObject({ COROTKCRE: true, CORADXCRE: true });
  });

  it("a pane whose base is older than two of the administrator's saves keeps its change; the flip-flop is not a conflict", async () => {
    const base = await startingPoint();
    const on = await put("admin@contoso.com", base.version, { ...base.flags, COROTKDLT: true });
    expect(on.statusCode).toBe(200);
    const off = await put("admin@contoso.com", base.version + 1, { ...base.flags, COROTKDLT: false });
    expect(off.statusCode).toBe(200);
    const acks: Sent[] = [];
    // The pane started at version 1 (COROTKDLT No) and turns it on: X3 deletions it asked for, and got.
    const result = await paneSave("jsmith@contoso.com", base, { COROTKDLT: true }, acks);
    expect(result).toEqual({ conflicts: [], rounds: 2 });
    expect((await read()).flags.COROTKDLT).toBe(true);
  });
});

describe("the per-flag merge on two-valued flags", () => {
  const flags = fc.record(Object.fromEntries(FLAG_CODES.map((c) => [c, fc.boolean()])) as Record<FlagCode, fc.Arbitrary<boolean>>);

  it("never reports a conflict: from one base, two sides that both changed a flag changed it to the same value", () => {
    fc.assert(
      fc.property(flags, flags, flags, (base, mine, theirs) => {
        const { merged, conflicts } = mergeFlags(base, mine, theirs);
        // Mine where I changed a flag, theirs everywhere else: neither side's change is lost.
        return conflicts.length === 0 && FLAG_CODES.every((c) => merged[c] === (mine[c] !== base[c] ? mine[c] : theirs[c]));
      }),
      { numRuns: 1000 },
    );
  });
});
