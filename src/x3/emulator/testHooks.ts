/**
 * `/__emulator/…`: not X3. Lets tests and demos inject faults, count api1 requests and SOAP calls,
 * model the SOAP pool (children, time per call), and read or edit a row the way an X3 user would in
 * GESSYP (bumping `$etag` and UPDDATTIM). No authentication, so only registered when the emulator is
 * created with `testHooks`.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { decodeYesNo, encodeYesNo, isYesNoValue } from "../../core/x3YesNo";
import { diagnosesBody } from "../api1";
import type { X3Table } from "../config";
import { FaultSchema, type FaultInjector } from "./faults";
import { resetCallCounts, type SoapCallCounts } from "./soap/calls";
import { PoolModelSchema, type ChannelPool } from "./soap/pool";
import type { StoredRow, X3EmulatorStore } from "./store";
import { AUDIT_COLUMNS, TABLES, isX3TableName, type X3Value } from "./tables";

export interface RequestCounts {
  total: number;
  byMethod: Record<string, number>;
}

const RowEditSchema = z.record(z.string(), z.union([z.string().max(250), z.number()]));
const TableParamsSchema = z.strictObject({ table: z.string(), key: z.string() });

/** The user X3 records as having edited a row through a hook. */
const HOOK_USER = "ADMIN";

function rowJson(row: StoredRow): Record<string, unknown> {
  return { $uuid: row.uuid, $etag: row.etag, ...row.values };
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send(diagnosesBody(message));
}

export interface TestHookState {
  readonly store: X3EmulatorStore;
  readonly faults: FaultInjector;
  readonly requests: RequestCounts;
  readonly soapCalls: SoapCallCounts;
  readonly soapPool: ChannelPool;
}

export function registerTestHooks(app: FastifyInstance, state: TestHookState): void {
  const { store, faults, requests: counts } = state;
  app.post("/__emulator/faults", async (request, reply) => {
    const parsed = FaultSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, z.prettifyError(parsed.error));
    faults.set(parsed.data);
    return faults.current();
  });

  app.delete("/__emulator/faults", async (_request, reply) => {
    faults.clear();
    return reply.code(204).send();
  });

  app.get("/__emulator/requests", async () => counts);

  /** SOAP calls answered: total, byOperation, byPublication (then operation), byStatus ("1", "0"). */
  app.get("/__emulator/calls", async () => state.soapCalls);

  app.delete("/__emulator/calls", async (_request, reply) => {
    resetCallCounts(state.soapCalls);
    return reply.code(204).send();
  });

  app.get("/__emulator/pool", async () => state.soapPool.state());

  /** `{children, callMs}`: at most `children` SOAP calls at once, each taking `callMs`; 0 children refuses all. */
  app.post("/__emulator/pool", async (request, reply) => {
    const parsed = PoolModelSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, z.prettifyError(parsed.error));
    state.soapPool.set(parsed.data);
    return state.soapPool.state();
  });

  function target(params: unknown, reply: FastifyReply): { table: X3Table; key: string } | null {
    const parsed = TableParamsSchema.safeParse(params);
    if (!parsed.success || !isX3TableName(parsed.data.table)) {
      reply.code(404).send(diagnosesBody("No such table"));
      return null;
    }
    return { table: parsed.data.table, key: parsed.data.key };
  }

  app.get("/__emulator/tables/:table/:key", async (request, reply) => {
    const t = target(request.params, reply);
    if (!t) return reply;
    const row = store.get(t.table, t.key);
    if (!row) return reply.code(404).send(diagnosesBody(`${t.table}: record ${t.key} does not exist`));
    return rowJson(row);
  });

  // Deleting a record as an X3 user would in its function (e.g. a SYNCPAR row in GESSYP).
  app.delete("/__emulator/tables/:table/:key", async (request, reply) => {
    const t = target(request.params, reply);
    if (!t) return reply;
    if (!store.delete(t.table, t.key)) return reply.code(404).send(diagnosesBody(`${t.table}: record ${t.key} does not exist`));
    return reply.code(204).send();
  });

  /** Creates or edits the row; values as X3 stores them (yes/no as 1/2). */
  app.put("/__emulator/tables/:table/:key", async (request, reply) => {
    const t = target(request.params, reply);
    if (!t) return reply;
    const parsed = RowEditSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, z.prettifyError(parsed.error));
    const schema = TABLES[t.table];
    const keyParts = t.key.split("~");
    if (keyParts.length !== schema.keyFields.length) {
      return badRequest(reply, `The key of ${t.table} has ${schema.keyFields.length} part(s)`);
    }
    const keyValues: Record<string, X3Value> = Object.fromEntries(schema.keyFields.map((f, i) => [f, keyParts[i] ?? ""]));

    const values: Record<string, X3Value> = {};
    for (const [field, value] of Object.entries(parsed.data)) {
      const kind = schema.columns[field];
      if (!kind || (AUDIT_COLUMNS as readonly string[]).includes(field)) {
        return badRequest(reply, `${t.table}: ${field} cannot be set`);
      }
      if (schema.keyFields.includes(field) && value !== keyValues[field]) {
        return badRequest(reply, `${field} is the key: change it in the path`);
      }
      if (kind === "yesNo" && !isYesNoValue(value, "localMenu")) {
        return badRequest(reply, `${field}: ${JSON.stringify(value)} is not a local menu yes/no value`);
      }
      if (kind === "text" && typeof value !== "string") return badRequest(reply, `${field}: text expected`);
      values[field] = kind === "yesNo" ? (encodeYesNo(decodeYesNo(value, "localMenu"), "localMenu") as number) : value;
    }
    return rowJson(store.put(t.table, { ...values, ...keyValues }, HOOK_USER));
  });
}
