/**
 * The x3 part's analysis (bench/x3Analysis.ts): calls per delivery, the floor, the order and repeat checks,
 * and the budget rows issue 19 (item 9) sets — ≤ 1.1 calls per delivery, ≤ 1.25 × the floor.
 */
import {
  callsPerDelivery,
  checkOrder,
  floorMs,
  versionOfWrite,
  type X3DeliveryOutcome,
  x3DeliveryRows,
} from "../../bench/x3Analysis";

const POOL = { children: 2, callMs: 150 };

function outcome(overrides: Partial<X3DeliveryOutcome> = {}): X3DeliveryOutcome {
  return {
    changes: 1000,
    deliveries: 1000,
    calls: { total: 1000, byOperation: { modify: 1000 }, byStatus: { "1": 1000 } },
    totalMs: 80_000,
    policyRequestMs: 2_000,
    pool: POOL,
    order: { outOfOrder: 0, repeated: 0, unknown: 0, lost: 0, users: 1000 },
    failed: 0,
    pending: 0,
    ...overrides,
  };
}

const budgetOf = (o: X3DeliveryOutcome, name: string) => x3DeliveryRows(o).find((r) => r.name.startsWith(name))!.budget!;

describe("the floor and calls per delivery", () => {
  it("is the issue's 1,000 × 150 ms ÷ 2 = 75 s", () => {
    expect(floorMs(1000, POOL)).toBe(75_000);
    expect(floorMs(100, { children: 4, callMs: 100 })).toBe(2_500);
  });

  it("divides the SOAP calls the emulator counted by the deliveries", () => {
    expect(callsPerDelivery({ calls: { total: 1100, byOperation: {}, byStatus: {} }, deliveries: 1000 })).toBeCloseTo(1.1);
    expect(callsPerDelivery({ calls: { total: 3, byOperation: {}, byStatus: {} }, deliveries: 0 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("the order check", () => {
  it("passes each user's versions written once each, in order, ending at the latest", () => {
    expect(checkOrder([{ written: [1, 2], latest: 2, final: 2 }, { written: [1, 3], latest: 3, final: 3 }])).toEqual({
      outOfOrder: 0,
      repeated: 0,
      unknown: 0,
      lost: 0,
      users: 2,
    });
  });

  it("counts an older version after a newer one, a repeat, a write of no stored version and a lost change", () => {
    const check = checkOrder([
      { written: [2, 1], latest: 2, final: 1 }, // out of order, and X3 ends at the older version: lost
      { written: [1, 2, 2], latest: 2, final: 2 }, // the policy's version written twice
      { written: [1, null], latest: 2, final: null }, // flags no stored version has, and never the latest
      { written: [1], latest: 2, final: 1 }, // the policy's version never delivered
    ]);
    expect(check).toEqual({ outOfOrder: 1, repeated: 1, unknown: 1, lost: 3, users: 4 });
  });

  it("maps a write's flags to the stored version holding them, a repeat to the version just written", () => {
    const versions = new Map([
      [1, "0000"],
      [2, "1000"],
      [3, "0000"], // back to version 1's flags
    ]);
    expect(versionOfWrite("0000", versions, null)).toBe(1);
    expect(versionOfWrite("1000", versions, 1)).toBe(2);
    expect(versionOfWrite("0000", versions, 2)).toBe(3);
    expect(versionOfWrite("1000", versions, 2)).toBe(2);
    // Older than everything written so far: the highest match, which the order check then flags.
    expect(versionOfWrite("1000", versions, 3)).toBe(2);
    expect(versionOfWrite("1111", versions, null)).toBeNull();
  });
});

describe("the budget rows", () => {
  it("pass at one call per delivery within 1.25 × the floor, every change once and in order", () => {
    const rows = x3DeliveryRows(outcome());
    expect(rows.map((r) => r.budget?.pass)).toEqual([true, true, true]);
    expect(rows[0]).toMatchObject({ value: 1, unit: "calls" });
    expect(rows[0]!.note).toContain("modify 1000");
    expect(rows[1]).toMatchObject({ value: 80, unit: "s" });
    expect(rows[1]!.note).toContain("floor of 75 s");
  });

  it("miss above 1.1 calls per delivery: a read before each modify is 2", () => {
    expect(budgetOf(outcome({ calls: { total: 1101, byOperation: {}, byStatus: {} } }), "calls per delivery").pass).toBe(false);
    expect(budgetOf(outcome({ calls: { total: 1100, byOperation: {}, byStatus: {} } }), "calls per delivery").pass).toBe(true);
    expect(budgetOf(outcome({ calls: { total: 2000, byOperation: { read: 1000, modify: 1000 }, byStatus: {} } }), "calls per delivery").pass).toBe(false);
    expect(budgetOf(outcome({ deliveries: 0, calls: { total: 0, byOperation: {}, byStatus: {} } }), "calls per delivery").pass).toBe(false);
  });

  it("miss beyond 1.25 × the floor (93.75 s for the issue's run)", () => {
    expect(budgetOf(outcome({ totalMs: 93_750 }), "policy update").pass).toBe(true);
    expect(budgetOf(outcome({ totalMs: 93_751 }), "policy update").pass).toBe(false);
  });

  it("miss when a change is out of order, repeated, lost, failed, still pending or not delivered", () => {
    const order = { outOfOrder: 0, repeated: 0, unknown: 0, lost: 0, users: 1000 };
    for (const bad of [
      outcome({ order: { ...order, outOfOrder: 1 } }),
      outcome({ order: { ...order, repeated: 1 } }),
      outcome({ order: { ...order, unknown: 1 } }),
      outcome({ order: { ...order, lost: 1 } }),
      outcome({ failed: 1 }),
      outcome({ pending: 1 }),
      outcome({ deliveries: 999 }),
    ]) {
      expect(budgetOf(bad, "order per user").pass).toBe(false);
    }
  });
});
