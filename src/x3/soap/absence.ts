/**
 * Telling "X3 has no such record" from any other refusal without reading the message: X3 words it per
 * language (X3-SOAP.md §6), and an unknown publication or missing rights look the same on the wire
 * (status 0, a type-3 message). A refusal that may mean "none" is only taken as such with a structural
 * proof: a query on the key that answers without the record.
 */
import { X3Error } from "../errors";
import type { SoapObjectService } from "./client";

/** A status-0 refusal the catalogue did not recognise as passing (locked, pool): what "none" may hide behind. */
export function isPermanentRefusal(error: unknown): error is X3Error {
  return error instanceof X3Error && !error.transient && error.kind === "diagnoses";
}

/** Rows asked for; a query that ignores its criteria still shows the key among a few. */
const PROOF_LIST_SIZE = 20;

/**
 * True when a query on `keyField` = `value` answers (so pool and publication work) and none of its rows
 * is that record; false when a row is, when rows do not carry the key (cannot tell), or the query is
 * refused. A transient failure of the query is thrown.
 * The query's criteria semantics are [S]: a row for another key never counts as this one.
 */
export async function absentFromQuery(client: SoapObjectService, publication: string, keyField: string, value: string): Promise<boolean> {
  try {
    const { data } = await client.query(publication, [{ key: keyField, value }], PROOF_LIST_SIZE);
    return data.rows.every((r) => {
      const key = r.get(keyField);
      return key !== undefined && key.trim().toUpperCase() !== value;
    });
  } catch (error) {
    // A busy pool says nothing about the record: the caller retries rather than stops.
    if (error instanceof X3Error && error.transient) throw error;
    return false;
  }
}
