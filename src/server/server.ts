/**
 * Starts the whole add-in server: the store, the X3 gateway (and, in development without X3_BASE_URL, the
 * embedded X3 emulator), the HTTPS listener and the outbox worker. `main.ts` runs it; the browser tests
 * start it in-process the same way.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { X3_TABLES } from "../x3";
import { DEFAULT_POOL_ALIASES, DEV_CREDENTIALS, startX3Emulator, type RunningX3Emulator } from "../x3/emulator";
import { buildApp } from "./app";
import { DevTokenIssuer, EntraTokenVerifier, scopeName } from "./auth/tokens";
import { type ServerConfig, soapGatewayConfig, x3GatewayConfig } from "./config";
import { developmentTls, type TlsMaterial } from "./devCertificates";
import { openDatabase } from "./store/database";
import { SetupStore } from "./store/setupStore";
import { configuredRestTables, connectX3, type X3Connection, type X3ConnectionSettings } from "./x3Connection";

export interface RunningAddinServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: SetupStore;
  /** The X3 behind the server (SOAP and/or api1), with its port, directory and connection test. */
  readonly x3: X3Connection;
  readonly emulator: RunningX3Emulator | null;
  readonly tls: TlsMaterial | null;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: FastifyServerOptions["logger"];
  /** Where Office's dev certificates are looked for; null skips them (tests). */
  readonly officeCertsFolder?: string | null;
}

function serverTls(config: ServerConfig, dev: () => Promise<TlsMaterial>): Promise<TlsMaterial | null> | TlsMaterial | null {
  if (config.TLS_CERT_FILE && config.TLS_KEY_FILE) {
    const cert = readFileSync(config.TLS_CERT_FILE, "utf8");
    return { key: readFileSync(config.TLS_KEY_FILE, "utf8"), cert, ca: cert, source: "self-signed", certFile: config.TLS_CERT_FILE };
  }
  if (config.TRUST_PROXY) return null;
  return dev();
}

export async function startAddinServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningAddinServer> {
  let devTls: Promise<TlsMaterial> | null = null;
  const dev = () =>
    (devTls ??= developmentTls(config.dataDir, options.officeCertsFolder === undefined ? undefined : options.officeCertsFolder));
  const tls = await serverTls(config, dev);

  let emulator: RunningX3Emulator | null = null;
  let x3Settings: X3ConnectionSettings;
  if (config.embeddedEmulator) {
    const emulatorTls = await dev();
    emulator = await startX3Emulator({
      host: "127.0.0.1",
      port: config.X3_EMULATOR_PORT,
      tls: emulatorTls,
      dataFile: process.env.X3_EMULATOR_DATA || join(config.dataDir, "x3-emulator.json"),
      testHooks: true,
    });
    const connection = {
      baseUrl: emulator.url.replace("127.0.0.1", "localhost"),
      auth: { kind: "basic", user: DEV_CREDENTIALS.user, password: DEV_CREDENTIALS.password },
      ca: emulatorTls.ca,
    } as const;
    x3Settings = {
      protocol: config.X3_PROTOCOL,
      rest: { ...connection, endpoint: config.X3_ENDPOINT, yesNo: config.X3_YES_NO },
      // The emulator's own pool, unless a developer names another to try the error it gives.
      soap: soapGatewayConfig(config, { ...connection, poolAlias: config.X3_SOAP_POOL_ALIAS ?? DEFAULT_POOL_ALIASES[0]! }),
      // The emulator publishes every api1 class: every feature of the pane shows.
      restTables: new Set(X3_TABLES),
      directoryRefreshMs: config.X3_USER_DIRECTORY_REFRESH_MINUTES * 60_000,
    };
  } else {
    const rest = x3GatewayConfig(config);
    x3Settings = {
      protocol: config.X3_PROTOCOL,
      rest,
      soap: config.X3_PROTOCOL === "soap" ? soapGatewayConfig(config, { ...rest, poolAlias: config.X3_SOAP_POOL_ALIAS! }) : null,
      restTables: configuredRestTables(rest.classes ?? {}),
      directoryRefreshMs: config.X3_USER_DIRECTORY_REFRESH_MINUTES * 60_000,
    };
  }
  const database = await openDatabase(config);
  const store = new SetupStore(database.db, database.dialect);
  const x3 = connectX3(x3Settings, store);
  const devIssuer = config.development ? new DevTokenIssuer(config.DEV_TOKEN_SECRET) : null;
  const verifier =
    devIssuer ??
    new EntraTokenVerifier({ issuer: config.AUTH_ISSUER!, audience: config.AUTH_AUDIENCE!, jwksUrl: config.AUTH_JWKS_URL!, scope: scopeName(config.AUTH_SCOPE) });

  const app = await buildApp({
    config,
    store,
    x3: x3.port,
    verifier,
    devIssuer,
    https: tls ? { key: tls.key, cert: tls.cert } : null,
    connectionCheck: (userCode) => x3.check(userCode),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  app.outbox.start();
  x3.start();
  const port = (app.server.address() as { port: number }).port;
  const host = config.HOST === "127.0.0.1" || config.HOST === "::1" ? "localhost" : config.HOST;

  return {
    url: `${tls ? "https" : "http"}://${host}:${port}`,
    app,
    store,
    x3,
    emulator,
    tls,
    async close() {
      await app.close();
      await x3.close();
      await database.close();
      await emulator?.close();
    },
  };
}
