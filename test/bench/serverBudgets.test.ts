/**
 * The server part's budgets since issue 19 (item 9): PUT on SQLite ≥ 50 % of the calibration prototype's
 * writes/s at 16 connections in the same run, and p99 ≤ 50 ms at 16 connections for GET and PUT. The
 * retired ones (PUT ≥ 25 % of bare, p99 ≤ 20 ms at 64 connections) are no budget any more.
 */
import { type BudgetMeasure, serverBudgetRows } from "../../bench/serverBudgets";

function measure(kind: BudgetMeasure["kind"], connections: number, okPerSecond: number, p99OnOpen = 10): BudgetMeasure {
  return { kind, connections, okPerSecond, p99OnOpen, p99OnOpenRounds: [p99OnOpen, p99OnOpen, p99OnOpen], p99: p99OnOpen + 5 };
}

const passes = (rows: ReturnType<typeof serverBudgetRows>) => Object.fromEntries(rows.map((r) => [r.name, r.budget?.pass]));

describe("the server part's budgets", () => {
  it("read PUT against REF at 16 connections, not against the bare route nor at another count", () => {
    const rows = serverBudgetRows("SQLite", [
      measure("bare", 16, 10_000),
      measure("put", 16, 500),
      measure("ref", 16, 1000),
      // At 1 and 64 connections PUT is far below REF: no budget reads them.
      measure("put", 64, 10),
      measure("ref", 64, 1000),
      measure("get", 16, 2000),
    ]);
    expect(rows[0]).toMatchObject({ name: "SQLite PUT ×16 ÷ REF ×16", value: 50, unit: "%" });
    expect(passes(rows)).toEqual({ "SQLite PUT ×16 ÷ REF ×16": true, "SQLite GET ×16 p99": true, "SQLite PUT ×16 p99": true });
  });

  it("miss below 50 % of REF, and when REF or PUT was not measured", () => {
    const under = serverBudgetRows("SQLite", [measure("put", 16, 499), measure("ref", 16, 1000), measure("get", 16, 1)]);
    expect(under[0]!.budget!.pass).toBe(false);
    const noRef = serverBudgetRows("SQLite", [measure("put", 16, 499), measure("get", 16, 1)]);
    expect(noRef[0]).toMatchObject({ value: 0, budget: { pass: false } });
    expect(noRef[0]!.note).toContain("no REF");
  });

  it("hold p99 at 16 connections to 50 ms, for GET and PUT each, on open connections", () => {
    const rows = serverBudgetRows("SQLite", [measure("put", 16, 600, 50), measure("ref", 16, 1000), measure("get", 16, 3000, 50.1), measure("get", 64, 3000, 500)]);
    expect(passes(rows)).toEqual({ "SQLite PUT ×16 ÷ REF ×16": true, "SQLite GET ×16 p99": false, "SQLite PUT ×16 p99": true });
    // The budget reads p99 on open connections; the p99 with each connection's first request is in the note.
    expect(rows[2]).toMatchObject({ value: 50 });
    expect(rows[2]!.note).toContain("55 ms");
  });
});
