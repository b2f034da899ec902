/**
 * The administrators' connection test: step by step — reaching X3, TLS, authentication, then each
 * configured class and representation — with what to fix when a step fails.
 */
import type { ConnectionReport, ConnectionStep } from "../core/connectionReport";
import { X3_TABLES, type X3Table } from "./config";
import { isX3Error } from "./errors";
import type { X3Gateway } from "./gateway";

export type CheckStepId = "reach" | "tls" | "auth" | `class:${X3Table}`;
export type { ConnectionReport } from "../core/connectionReport";

const step = (id: CheckStepId, ok: boolean | null, detail: string, fix: string | null = null): ConnectionStep => ({ id, ok, detail, fix });

export async function checkX3Connection(gateway: X3Gateway): Promise<ConnectionReport> {
  const steps: ConnectionStep[] = [];
  const skipRest = (from: CheckStepId[]) => from.forEach((id) => steps.push(step(id, null, "not tried: an earlier step failed")));
  const classSteps = X3_TABLES.map((t) => `class:${t}` as const);
  const done = (): ConnectionReport => ({ ok: steps.every((s) => s.ok === true), baseUrl: gateway.baseUrl, steps });

  try {
    await gateway.probe("AUTILIS");
    steps.push(step("reach", true, `X3 answers at ${gateway.baseUrl}`), step("tls", true, "the certificate is trusted"), step("auth", true, "X3 accepts the credentials"));
  } catch (err) {
    const kind = isX3Error(err) ? err.kind : "unavailable";
    const message = err instanceof Error ? err.message : String(err);
    if (kind === "unavailable" || kind === "timeout") {
      steps.push(step("reach", false, message, "Check X3_BASE_URL (host and port of the Syracuse server), that X3 is running, and that this server may connect to it (firewall, proxy)."));
      skipRest(["tls", "auth", ...classSteps]);
      return done();
    }
    steps.push(step("reach", true, `X3 answers at ${gateway.baseUrl}`));
    if (kind === "tls") {
      steps.push(step("tls", false, message, "X3's certificate is not trusted: give its CA certificate (PEM) in X3_CA_FILE, or fix the host name in X3_BASE_URL to match the certificate."));
      skipRest(["auth", ...classSteps]);
      return done();
    }
    steps.push(step("tls", true, "the certificate is trusted"));
    if (kind === "auth") {
      steps.push(step("auth", false, message, "X3 refuses the credentials: check X3_USER and X3_PASSWORD (or the connected application's client id and secret), and that the user may use web services."));
      skipRest(classSteps);
      return done();
    }
    steps.push(step("auth", true, "X3 accepts the credentials"));
  }

  for (const table of X3_TABLES) {
    const { className, representation } = gateway.classOf(table);
    try {
      await gateway.probe(table);
      steps.push(step(`class:${table}`, true, `class ${className}, representation ${representation} answers`));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      steps.push(
        step(
          `class:${table}`,
          false,
          message,
          `Publish table ${table} as class ${className} with representation ${representation} (X3: Development > Script dictionary > Classes and Representations), or set the names this server uses.`,
        ),
      );
    }
  }
  return done();
}
