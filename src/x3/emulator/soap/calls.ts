/**
 * The SOAP calls the emulator answered (with a CAdxResultXml, status 1 or 0), per operation, per
 * publication and per status, so tests and the bench can count what a delivery costs. Refused
 * requests (401, SOAP Faults, HTTP 500, injected transport faults) are not X3 calls and are not counted.
 */
export interface SoapCallCounts {
  total: number;
  byOperation: Record<string, number>;
  byPublication: Record<string, Record<string, number>>;
  byStatus: Record<string, number>;
}

export function emptyCallCounts(): SoapCallCounts {
  return { total: 0, byOperation: {}, byPublication: {}, byStatus: {} };
}

function bump(counts: Record<string, number>, name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
}

export function countCall(counts: SoapCallCounts, operation: string, publicName: string, status: number): void {
  counts.total += 1;
  bump(counts.byOperation, operation);
  bump((counts.byPublication[publicName] ??= {}), operation);
  bump(counts.byStatus, String(status));
}

export function resetCallCounts(counts: SoapCallCounts): void {
  Object.assign(counts, emptyCallCounts());
}
