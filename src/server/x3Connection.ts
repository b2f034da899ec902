/**
 * The X3 behind the server, as the one X3Port the rest of the server uses.
 *
 * - `soap` (a stock X3: objects published in GESAWE, no X3 development): setups through the SYP
 *   publication, users from a directory kept in the store and filled through the AUS publication. What SOAP
 *   cannot reach without development — user and folder parameters, SYNCDATA — goes through an api1 class
 *   when one is configured for it, and is otherwise "not published" (the pane says so and how to enable it).
 * - `rest`: everything through the Syracuse REST "api1" classes the site developed.
 */
import type { ConnectionReport, ConnectionStep } from "../core/connectionReport";
import { changedFlags, type Flags } from "../core/flags";
import type { X3User } from "../core/setup";
import {
  checkX3Connection,
  X3_TABLES,
  X3Error,
  X3Gateway,
  X3SoapGateway,
  type SoapGatewayConfig,
  type X3GatewayConfig,
  type X3Table,
} from "../x3";
import type { SetupStore } from "./store/setupStore";
import { X3UserDirectory } from "./userDirectory";
import type { X3Port } from "./x3Port";

export type X3Protocol = "soap" | "rest";

/** What SOAP cannot reach without X3 development: read through api1 classes, when the site has them. */
export const REST_ONLY_TABLES = ["ADOVALAUS", "ADOVAL", "SYNCDATA"] as const satisfies readonly X3Table[];
type RestOnlyTable = (typeof REST_ONLY_TABLES)[number];

export interface X3ConnectionSettings {
  readonly protocol: X3Protocol;
  /** The api1 gateway's settings: all of X3 with `rest`; with `soap`, only for `restTables`. */
  readonly rest: X3GatewayConfig;
  readonly soap: SoapGatewayConfig | null;
  /** With `soap`: the tables an api1 class is configured for (the embedded emulator has them all). */
  readonly restTables: ReadonlySet<X3Table>;
  readonly directoryRefreshMs: number;
}

export interface X3Connection {
  readonly protocol: X3Protocol;
  readonly port: X3Port;
  readonly rest: X3Gateway;
  readonly soap: X3SoapGateway | null;
  readonly directory: X3UserDirectory | null;
  readonly baseUrl: string;
  /** The administrators' connection test, step by step; `userCode`'s setup is read when given (SOAP). */
  check(userCode: string | null): Promise<ConnectionReport>;
  start(): void;
  close(): Promise<void>;
}

const HOW_TO_PUBLISH: Readonly<Record<RestOnlyTable, string>> = {
  ADOVALAUS: "user parameters (AUSCRMA, AUSCRMF)",
  ADOVAL: "folder parameters (CRMSYNC…)",
  SYNCDATA: "the changes waiting for synchronization (SYNCDATA)",
};

function notPublished(table: RestOnlyTable): X3Error {
  return new X3Error(
    "notPublished",
    `X3 does not publish ${HOW_TO_PUBLISH[table]} to this server: publish table ${table} as a REST class and set X3_CLASS_${table} (docs/DEPLOYMENT.md)`,
    { operation: `read ${table}` },
  );
}

/** The SOAP port: setups and users through SOAP and the directory, the rest through api1 where configured. */
class SoapX3Port implements X3Port {
  constructor(
    private readonly soap: X3SoapGateway,
    private readonly rest: X3Gateway,
    private readonly restTables: ReadonlySet<X3Table>,
    private readonly directory: X3UserDirectory,
  ) {}

  readSyncpar(userCode: string): Promise<{ readonly flags: Flags } | null> {
    return this.soap.readSyncpar(userCode);
  }

  /**
   * One call (a partial modify) when this process's last row of the user is what the store says X3 was
   * last given; otherwise X3 is read first. They differ after another replica's delivery, and the row is
   * unknown after a restart or a write whose outcome is unknown (a crash between X3's answer and the store's
   * "delivered", a timeout): comparing with the store alone would then miss flags X3 got but the store
   * never marked, and comparing with memory alone would miss another replica's.
   */
  writeSyncpar(userCode: string, flags: Flags, options: { readonly base?: Flags } = {}): Promise<unknown> {
    const seen = this.soap.setups.lastSeenRow(userCode);
    if (!seen || !options.base || changedFlags(seen.flags, options.base).length > 0) this.soap.setups.forget(userCode);
    return this.soap.writeSyncpar(userCode, flags);
  }

  get writeSyncparBoundMs(): number {
    return this.soap.writeSyncparBoundMs;
  }

  readonly usersFromStore = true;

  findUsersByEmail(email: string): Promise<X3User[]> {
    return this.directory.findByEmail(email);
  }

  getUser(code: string): Promise<X3User | null> {
    return this.directory.getUser(code);
  }

  listUsers(): Promise<X3User[]> {
    return this.directory.list();
  }

  /** One read of a user, bypassing the directory: proves X3 answers (readiness). */
  async ping(userCode: string): Promise<void> {
    await this.soap.getUser(userCode);
  }

  userParameters(code: string): Promise<{ readonly AUSCRMA: string | null; readonly AUSCRMF: string | null }> {
    return this.viaRest("ADOVALAUS", () => this.rest.userParameters(code));
  }

  folderParameters(): Promise<Readonly<Record<string, boolean | null>>> {
    return this.viaRest("ADOVAL", () => this.rest.folderParameters());
  }

  syncData(userCode: string): Promise<readonly { readonly type: string; readonly action: string }[]> {
    return this.viaRest("SYNCDATA", () => this.rest.syncData(userCode));
  }

  private async viaRest<T>(table: RestOnlyTable, read: () => Promise<T>): Promise<T> {
    if (!this.restTables.has(table)) throw notPublished(table);
    return read();
  }
}

export function connectX3(settings: X3ConnectionSettings, store: SetupStore): X3Connection {
  const rest = new X3Gateway(settings.rest);
  if (settings.protocol === "rest" || !settings.soap) {
    return {
      protocol: "rest",
      port: rest,
      rest,
      soap: null,
      directory: null,
      baseUrl: rest.baseUrl,
      check: () => checkX3Connection(rest),
      start: () => undefined,
      close: () => rest.close(),
    };
  }
  const soap = new X3SoapGateway(settings.soap);
  const directory = new X3UserDirectory(store, soap, { refreshMs: settings.directoryRefreshMs });
  return {
    protocol: "soap",
    port: new SoapX3Port(soap, rest, settings.restTables, directory),
    rest,
    soap,
    directory,
    baseUrl: soap.baseUrl,
    check: async (userCode) => {
      const report = await soap.checkConnection(userCode);
      const steps: ConnectionStep[] = [...report.steps];
      const reached = report.steps.some((s) => s.id === "reach" && s.ok === true);
      for (const table of REST_ONLY_TABLES) {
        steps.push(await restStep(rest, table, settings.restTables.has(table), reached));
      }
      return { ...report, ok: steps.every((s) => s.ok !== false) && report.ok, steps };
    },
    start: () => directory.start(),
    close: async () => {
      directory.stop();
      await Promise.all([soap.close(), rest.close()]);
    },
  };
}

/** The api1 class for what SOAP cannot reach: checked when configured, said to be missing otherwise. */
async function restStep(rest: X3Gateway, table: RestOnlyTable, configured: boolean, reached: boolean): Promise<ConnectionStep> {
  const id = `class:${table}`;
  if (!configured) {
    return {
      id,
      ok: null,
      detail: `not published: the pane cannot show ${HOW_TO_PUBLISH[table]}`,
      fix: `Optional: publish table ${table} as a REST class (X3: Development > Script dictionary > Classes and Representations) and set X3_CLASS_${table}.`,
    };
  }
  if (!reached) return { id, ok: null, detail: "not tried: an earlier step failed", fix: null };
  const { className, representation } = rest.classOf(table);
  try {
    await rest.probe(table);
    return { id, ok: true, detail: `class ${className}, representation ${representation} answers`, fix: null };
  } catch (err) {
    return {
      id,
      ok: false,
      detail: err instanceof Error ? err.message : String(err),
      fix: `Publish table ${table} as class ${className} with representation ${representation}, or set X3_CLASS_${table} to the names this server should use.`,
    };
  }
}

/** The api1 tables a SOAP setup has classes for: those IT configured (X3_CLASS_…). */
export function configuredRestTables(classes: Partial<Record<X3Table, unknown>>): ReadonlySet<X3Table> {
  return new Set(X3_TABLES.filter((t) => classes[t] !== undefined));
}
