/**
 * A fresh add-in server for each test file: the real app (app.inject, no port), a real SQLite file, and
 * the real gateway talking HTTPS to an X3 emulator on a free loopback port.
 */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { allFlags, type Flags } from "../../src/core/flags";
import { buildApp, type AppDependencies } from "../../src/server/app";
import { DevTokenIssuer } from "../../src/server/auth/tokens";
import { loadConfig } from "../../src/server/config";
import { openSqlite, type OpenedDatabase } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import { checkX3Connection } from "../../src/x3/connectionCheck";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import type { X3Gateway } from "../../src/x3/gateway";
import type { TestDatabase } from "./databases";
import { startTestEmulator, testFolder, testGateway, type TestFolder } from "../x3/fixture";

export interface Harness {
  readonly app: FastifyInstance;
  readonly store: SetupStore;
  readonly database: OpenedDatabase;
  readonly emulator: RunningX3Emulator;
  readonly gateway: X3Gateway;
  readonly folder: TestFolder;
  token(email: string): Promise<string>;
  /** The emulator's SYNCPAR row for a user, as X3 stores it (1/2), or undefined. */
  syncpar(userCode: string): Readonly<Record<string, unknown>> | undefined;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The store's database (test/server/databases.ts): by default a SQLite file in the test's folder. */
  readonly database?: TestDatabase;
}

export async function startHarness(
  overrides: Partial<AppDependencies> = {},
  env: Record<string, string> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const folder = await testFolder();
  const emulator = await startTestEmulator(folder, { testHooks: true });
  const gateway = testGateway(emulator.url, folder, { responseTimeoutMs: 1500, connectTimeoutMs: 1500 });
  const database = options.database ? await options.database.open() : await openSqlite(join(folder.dir, "store.sqlite"));
  const store = new SetupStore(database.db, database.dialect);
  const config = loadConfig({ DATA_DIR: folder.dir, STATIC_DIR: join(folder.dir, "no-dist"), LOG_LEVEL: "silent", ...env }, folder.dir);
  const devIssuer = new DevTokenIssuer("test-secret-of-sufficient-length");
  const closeAll = async () => {
    await gateway.close();
    await database.close();
    await options.database?.drop();
    await emulator.close();
    await folder.remove();
  };
  const app = await buildApp({
    config,
    store,
    x3: gateway,
    verifier: devIssuer,
    devIssuer,
    logger: false,
    outbox: { pollMs: 50, baseDelayMs: 20, maxDelayMs: 200 },
    deliveryBudgetMs: 2000,
    connectionCheck: () => checkX3Connection(gateway),
    ...overrides,
  }).catch(async (err: unknown) => {
    await closeAll();
    throw err;
  });
  await app.ready();
  return {
    app,
    store,
    database,
    emulator,
    gateway,
    folder,
    token: (email) => devIssuer.issue(email),
    syncpar: (userCode) => emulator.app.x3Emulator.store.get("SYNCPAR", userCode)?.values,
    async close() {
      await app.close();
      await closeAll();
    },
  };
}

export function flagsWith(changes: Partial<Flags>): Flags {
  return { ...allFlags(false), ...changes };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
