/**
 * The x3 part's analysis (issue 19, item 9), apart from the run so it can be tested: what a delivery cost
 * in X3 calls, how long the deliveries took against the pool's physical floor, and whether each user's
 * versions reached X3 in order, once, ending at the latest.
 */
import { type Row, round } from "./lib";

/** The budgets the issue sets. */
export const CALLS_PER_DELIVERY_BUDGET = 1.1;
export const FLOOR_FACTOR_BUDGET = 1.25;

export interface PoolShape {
  readonly children: number;
  readonly callMs: number;
}

/** The least time `changes` deliveries of one X3 call each can take on the pool: every child busy all along. */
export function floorMs(changes: number, pool: PoolShape): number {
  return (changes * pool.callMs) / Math.max(1, pool.children);
}

/** One user's story: the versions X3 was written, in the order it was written them, and where it ended. */
export interface UserDeliveries {
  /** The stored versions each SYNCPAR write carried, in write order (null: flags of no stored version). */
  readonly written: readonly (number | null)[];
  /** The user's latest stored version. */
  readonly latest: number;
  /** The stored version X3's row ends at (null: flags of no stored version, or no row). */
  readonly final: number | null;
}

export interface OrderCheck {
  /** Writes carrying an older version than one X3 was already given. */
  readonly outOfOrder: number;
  /** Writes of the version X3 was just given. */
  readonly repeated: number;
  /** Writes whose flags match none of the user's stored versions. */
  readonly unknown: number;
  /** Users whose X3 row does not end at their latest stored version (a lost change). */
  readonly lost: number;
  readonly users: number;
}

export function checkOrder(users: Iterable<UserDeliveries>): OrderCheck {
  let outOfOrder = 0;
  let repeated = 0;
  let unknown = 0;
  let lost = 0;
  let count = 0;
  for (const u of users) {
    count++;
    let last: number | null = null;
    for (const v of u.written) {
      if (v === null) {
        unknown++;
        continue;
      }
      if (last !== null && v < last) outOfOrder++;
      else if (last !== null && v === last) repeated++;
      last = last === null ? v : Math.max(last, v);
    }
    if (u.final !== u.latest) lost++;
  }
  return { outOfOrder, repeated, unknown, lost, users: count };
}

/**
 * Maps a write's flags to the user's stored version with the same flags: of several, the lowest not older
 * than the last version mapped (so a repeat reads as a repeat), else the highest; null when none matches.
 */
export function versionOfWrite(flagsKey: string, versions: ReadonlyMap<number, string>, lastMapped: number | null): number | null {
  const matching = [...versions.entries()].filter(([, key]) => key === flagsKey).map(([v]) => v).sort((a, b) => a - b);
  if (!matching.length) return null;
  const notOlder = lastMapped === null ? matching : matching.filter((v) => v >= lastMapped);
  return notOlder.length ? notOlder[0]! : matching[matching.length - 1]!;
}

export interface X3DeliveryOutcome {
  /** Users whose setup the policy update changed: the changes to deliver. */
  readonly changes: number;
  /** Outbox deliveries in the measured window (SYNCPAR writes at the emulator). */
  readonly deliveries: number;
  /** SOAP calls the emulator answered in the window, by operation. */
  readonly calls: { readonly total: number; readonly byOperation: Readonly<Record<string, number>>; readonly byStatus: Readonly<Record<string, number>> };
  /** From the policy update's request to the last delivery recorded by the outbox. */
  readonly totalMs: number;
  /** How long the policy update's request took (every change queued). */
  readonly policyRequestMs: number;
  readonly pool: PoolShape;
  readonly order: OrderCheck;
  /** Outbox rows left failed or pending at the end. */
  readonly failed: number;
  readonly pending: number;
}

export function callsPerDelivery(o: Pick<X3DeliveryOutcome, "calls" | "deliveries">): number {
  return o.deliveries > 0 ? o.calls.total / o.deliveries : Number.POSITIVE_INFINITY;
}

const byOperationText = (ops: Readonly<Record<string, number>>) =>
  Object.entries(ops)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(", ") || "none";

/** The part's rows: calls per delivery and total time against the floor (budgets), and the order check. */
export function x3DeliveryRows(o: X3DeliveryOutcome): Row[] {
  const perDelivery = callsPerDelivery(o);
  const floor = floorMs(o.changes, o.pool);
  const ratio = o.totalMs / floor;
  const { outOfOrder, repeated, unknown, lost } = o.order;
  const orderKept = outOfOrder === 0 && repeated === 0 && unknown === 0 && lost === 0 && o.deliveries === o.changes && o.failed === 0 && o.pending === 0;
  return [
    {
      name: "calls per delivery",
      value: Number.isFinite(perDelivery) ? round(perDelivery, 3) : 0,
      unit: "calls",
      budget: { text: `≤ ${CALLS_PER_DELIVERY_BUDGET}`, pass: perDelivery <= CALLS_PER_DELIVERY_BUDGET },
      note: `${o.calls.total} SOAP calls (${byOperationText(o.calls.byOperation)}; status ${byOperationText(o.calls.byStatus)}) for ${o.deliveries} deliveries of ${o.changes} changes`,
    },
    {
      name: "policy update → last delivery",
      value: round(o.totalMs / 1000, 1),
      unit: "s",
      budget: { text: `≤ ${FLOOR_FACTOR_BUDGET} × the floor (${round((FLOOR_FACTOR_BUDGET * floor) / 1000, 2)} s)`, pass: ratio <= FLOOR_FACTOR_BUDGET },
      note: `${round(ratio, 3)} × the floor of ${round(floor / 1000, 2)} s (${o.changes} × ${o.pool.callMs} ms ÷ ${o.pool.children} children); the PUT /api/v1/policy itself took ${round(o.policyRequestMs / 1000, 2)} s`,
    },
    {
      name: "order per user, no lost or repeated change",
      value: o.order.users,
      unit: "users",
      budget: { text: "every write in order, once, ending at the latest version", pass: orderKept },
      note: `${outOfOrder} out of order, ${repeated} repeated, ${unknown} of no stored version, ${lost} not at their latest version; ${o.failed} failed, ${o.pending} pending`,
    },
  ];
}
