/**
 * The server part's budgets (issue 19, item 9), apart from the load so they can be tested:
 *
 * - PUT on SQLite ≥ 50 % of the calibration prototype's (REF, bench/referenceSave.ts) writes/s at 16
 *   connections, in the same run: a ratio to what a minimal durable save reaches on the same machine at
 *   the same moment, not to a bare route that measures the load generator on two shared cores.
 * - p99 ≤ 50 ms at 16 connections for GET and PUT (requests on open connections, as the retired 64-connection
 *   budget was read since session 10: each connection's first request waits for the TLS handshakes).
 *
 * Retired in the same change, kept as measurements: "PUT ≥ 25 % of the bare route" and "p99 ≤ 20 ms at 64
 * connections".
 */
import { type Row, round } from "./lib";

export const BUDGET_CONNECTIONS = 16;
export const PUT_SHARE_OF_REF_BUDGET = 0.5;
export const P99_BUDGET_MS = 50;

/** What the budgets read of a kind's measure at a connection count. */
export interface BudgetMeasure {
  readonly kind: "bare" | "get" | "put" | "ref";
  readonly connections: number;
  /** 2xx answers a second (for PUT and REF: the writes that committed). */
  readonly okPerSecond: number;
  /** p99 of requests on open connections, median of the rounds, and each round's. */
  readonly p99OnOpen: number;
  readonly p99OnOpenRounds: readonly number[];
  /** p99 with each connection's first request. */
  readonly p99: number;
}

/**
 * The budget rows of one database's measures. Without a REF measure at 16 connections (PostgreSQL runs
 * have none), the share is reported as missed with the reason: a budget that cannot be measured is not met.
 */
export function serverBudgetRows(label: string, measures: readonly BudgetMeasure[]): Row[] {
  const at = (kind: BudgetMeasure["kind"]) => measures.find((m) => m.kind === kind && m.connections === BUDGET_CONNECTIONS);
  const rows: Row[] = [];
  const put = at("put");
  const ref = at("ref");
  const share = put && ref && ref.okPerSecond > 0 ? put.okPerSecond / ref.okPerSecond : null;
  rows.push({
    name: `${label} PUT ×${BUDGET_CONNECTIONS} ÷ REF ×${BUDGET_CONNECTIONS}`,
    value: share === null ? 0 : round(share * 100, 0),
    unit: "%",
    note:
      share === null
        ? `not measured: ${put ? "" : "no PUT "}${ref ? "" : "no REF "}measure at ${BUDGET_CONNECTIONS} connections`
        : `PUT ${put!.okPerSecond} writes/s, the calibration prototype ${ref!.okPerSecond} writes/s, same run`,
    budget: { text: `≥ ${PUT_SHARE_OF_REF_BUDGET * 100} % of REF`, pass: share !== null && share >= PUT_SHARE_OF_REF_BUDGET },
  });
  for (const kind of ["get", "put"] as const) {
    const m = at(kind);
    rows.push({
      name: `${label} ${kind.toUpperCase()} ×${BUDGET_CONNECTIONS} p99`,
      value: m ? m.p99OnOpen : 0,
      unit: "ms",
      note: m
        ? `requests on open connections (median of the rounds' p99: ${m.p99OnOpenRounds.join(" / ")} ms); with each connection's first request: ${m.p99} ms`
        : `not measured at ${BUDGET_CONNECTIONS} connections`,
      budget: { text: `≤ ${P99_BUDGET_MS} ms`, pass: m !== undefined && m.p99OnOpen <= P99_BUDGET_MS },
    });
  }
  return rows;
}
