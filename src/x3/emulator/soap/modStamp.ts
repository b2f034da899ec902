/**
 * ADXTEC.WW_MODSTAMP (YYYYMMDDHHMMSS): X3's modification stamp, which must change on every write so a
 * client can tell two versions apart. Seconds are coarser than the writes a test or the bench makes,
 * so a write within the same second as the row's previous one moves the stamp one second on.
 * Every write counts, whichever side made it (api1, SOAP or a test hook), hence the store listener.
 */
import type { X3Table } from "../../config";
import type { StoredRow, X3EmulatorStore } from "../store";

function formatStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-T:]/g, "");
}

function writtenAt(row: StoredRow): number {
  const ms = Date.parse(String(row.values.UPDDATTIM ?? ""));
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000) * 1000;
}

export class ModStamps {
  /** By table and row UUID (stable across updates): the stamp of the row's last write seen. */
  private readonly stamps = new Map<string, number>();

  constructor(store: X3EmulatorStore) {
    store.onWrite((table, row) => {
      const id = this.id(table, row);
      const previous = this.stamps.get(id);
      this.stamps.set(id, Math.max(writtenAt(row), previous === undefined ? 0 : previous + 1000));
    });
  }

  of(table: X3Table, row: StoredRow): string {
    return formatStamp(this.stamps.get(this.id(table, row)) ?? writtenAt(row));
  }

  private id(table: X3Table, row: StoredRow): string {
    return `${table}\u0000${row.uuid}`;
  }
}
