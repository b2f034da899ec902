/**
 * The administrators' connection test for classic SOAP, step by step in plain words: X3 answers, the
 * certificate is trusted, the credentials work, the pool exists, each publication exists and has the
 * fields we need (naming the missing ones), and a read of a given user's setup works. Each failed step
 * says what to change; steps after a failure that makes them meaningless are "not tried".
 */
import type { ConnectionReport, ConnectionStep } from "../../core/connectionReport";
import { FLAG_CODES } from "../../core/flags";
import { isX3Error, type X3Error } from "../errors";
import type { X3SoapClient } from "./client";
import { groupsInDescription } from "./fieldGroups";
import { X3SoapRefusal } from "./response";
import { SETUP_KEY_FIELD, SoapSetupGateway } from "./setupGateway";
import { USER_FIELDS } from "./userDirectory";
import { parseXml } from "./xml";

export type SoapCheckStepId = "reach" | "tls" | "auth" | "pool" | `publication:${string}` | "setupRead";

const step = (id: SoapCheckStepId, ok: boolean | null, detail: string, fix: string | null = null): ConnectionStep => ({ id, ok, detail, fix });
const NOT_TRIED = "not tried: an earlier step failed";

/** The fields each publication must carry for the add-in to work. */
export function requiredFields(client: X3SoapClient): Readonly<Record<string, readonly string[]>> {
  return {
    [client.config.setupPublication]: [SETUP_KEY_FIELD, ...FLAG_CODES],
    [client.config.userPublication]: [USER_FIELDS.code, USER_FIELDS.name, USER_FIELDS.email],
  };
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** What a publication's getDescription (or, when its layout is not one we read, a read of its first record) shows. */
async function publishedFields(client: X3SoapClient, publication: string, keyField: string): Promise<Set<string> | null> {
  const description = await client.getDescription(publication);
  if (description.resultXml) {
    try {
      const fields = groupsInDescription(parseXml(description.resultXml, "getDescription", `getDescription ${publication}`, client.config.xmlLimits));
      if (fields.size > 0) return new Set(fields.keys());
    } catch {
      // An unreadable description is not a failed check: the read below tells the same.
    }
  }
  const first = (await client.query(publication, [], 1)).data.rows[0]?.get(keyField)?.trim();
  if (!first) return null;
  const { data } = await client.read(publication, [{ key: keyField, value: first }]);
  return new Set(data.fields.keys());
}

/**
 * Runs the steps. `userCode`: whose setup to read at the end (the signed-in administrator, say); null
 * leaves that step out.
 */
export async function checkSoapConnection(client: X3SoapClient, userCode: string | null): Promise<ConnectionReport> {
  const { config } = client;
  const steps: ConnectionStep[] = [];
  const publications = [config.setupPublication, config.userPublication];
  const keyOf = (p: string) => (p === config.setupPublication ? SETUP_KEY_FIELD : USER_FIELDS.code);
  const later: SoapCheckStepId[] = [...publications.map((p) => `publication:${p}` as const), ...(userCode ? (["setupRead"] as const) : [])];
  const done = (): ConnectionReport => ({ ok: steps.every((s) => s.ok === true), baseUrl: config.baseUrl, steps });
  const skip = (ids: readonly SoapCheckStepId[]) => ids.forEach((id) => steps.push(step(id, null, NOT_TRIED)));

  // One call per publication; the first answer (or failure) tells about X3, TLS, credentials and pool.
  const fields = new Map<string, Set<string> | null | X3Error>();
  for (const p of publications) {
    try {
      fields.set(p, await publishedFields(client, p, keyOf(p)));
    } catch (error) {
      if (!isX3Error(error)) throw error;
      fields.set(p, error);
      // Unreachable, untrusted or refused credentials: asking again for the other publication only waits longer.
      if (["tls", "auth", "notFound"].includes(error.kind) || error.status === undefined) break;
    }
  }
  const failures = [...fields.values()].filter(isX3Error);
  const first = failures[0];
  const anyAnswered = failures.length < fields.size;

  if (!anyAnswered && first) {
    const noAnswer = (first.kind === "unavailable" || first.kind === "timeout") && first.status === undefined;
    if (noAnswer || first.kind === "notFound") {
      steps.push(step("reach", false, first.message, "Check X3_BASE_URL (the Syracuse server's host and port), that X3 is running, and that this server may connect to it (firewall, proxy)."));
      skip(["tls", "auth", "pool", ...later]);
      return done();
    }
    steps.push(step("reach", true, `X3 answers at ${config.baseUrl}`));
    if (first.kind === "tls") {
      steps.push(step("tls", false, first.message, "X3's certificate is not trusted: give its CA certificate (PEM) in X3_CA_FILE, or fix the host name in X3_BASE_URL to match the certificate."));
      skip(["auth", "pool", ...later]);
      return done();
    }
    steps.push(step("tls", true, "the certificate is trusted"));
    if (first.kind === "auth") {
      steps.push(step("auth", false, first.message, "X3 refuses the credentials: check X3_USER and X3_PASSWORD (or the connected application's client id and secret), and that Basic authentication is enabled in Syracuse (nodelocal.js)."));
      skip(["pool", ...later]);
      return done();
    }
    if ((first.status ?? 0) >= 500 || first.kind === "soapFault" || first.kind === "protocol") {
      steps.push(step("auth", null, "not proven: X3 failed before checking the call"));
      steps.push(
        step(
          "pool",
          false,
          first.message,
          "X3's classic SOAP service does not run calls: give the host web-service child processes (Administration > Administration > Servers > Hosts), and start the Classic SOAP pool.",
        ),
      );
      skip(later);
      return done();
    }
    steps.push(step("auth", true, "X3 accepts the credentials"));
    const byCategory = first instanceof X3SoapRefusal && first.category === "unknownPublication";
    if (!byCategory) {
      // Every publication refused in words we do not recognise: the pool is the common cause.
      steps.push(
        step(
          "pool",
          false,
          first.message,
          `Check X3_SOAP_POOL_ALIAS (${config.poolAlias}) against Administration > Web services > Classic SOAP pools configuration, that the pool is started, and that the host has web-service child processes; if X3's words say the publication is unknown, publish it in GESAWE.`,
        ),
      );
      skip(later);
      return done();
    }
  } else {
    steps.push(step("reach", true, `X3 answers at ${config.baseUrl}`), step("tls", true, "the certificate is trusted"), step("auth", true, "X3 accepts the credentials"));
  }
  steps.push(step("pool", true, `pool ${config.poolAlias} answers`));

  const required = requiredFields(client);
  for (const p of publications) {
    const found = fields.get(p);
    const id = `publication:${p}` as const;
    if (isX3Error(found)) {
      steps.push(step(id, false, found.message, `Publish the object in GESAWE as ${p} (Type Object), then Publication; or set the name this server uses.`));
    } else if (found === null || found === undefined) {
      steps.push(step(id, null, `publication ${p} answers, but neither its description nor a record shows its fields`));
    } else {
      const missing = (required[p] ?? []).filter((f) => !found.has(f));
      steps.push(
        missing.length === 0
          ? step(id, true, `publication ${p} has the fields needed`)
          : step(id, false, `publication ${p} lacks ${missing.join(", ")}`, `In GESAWE, add ${missing.join(", ")} to ${p} (Mapping tab, or the object's screen), then Publication.`),
      );
    }
  }

  if (userCode) {
    try {
      const row = await new SoapSetupGateway(client).readSyncpar(userCode);
      steps.push(step("setupRead", true, row ? `the setup of ${row.userCode} reads` : `X3 has no setup for ${userCode.trim().toUpperCase()} yet; the first save creates it`));
    } catch (error) {
      steps.push(step("setupRead", false, message(error), `Give the X3 user of these credentials access to GESSYP (function profile), and check ${config.setupPublication} in GESAWE.`));
    }
  }
  return done();
}
