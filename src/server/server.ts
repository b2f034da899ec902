/**
 * Starts the whole add-in server: the store, the X3 gateway (and, in development without X3_BASE_URL, the
 * embedded X3 emulator), the HTTPS listener and the outbox worker. `main.ts` runs it; the browser tests
 * start it in-process the same way.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import type { X3GatewayConfig } from "../x3/config";
import { startX3Emulator, type RunningX3Emulator } from "../x3/emulator";
import { DEV_CREDENTIALS } from "../x3/emulator";
import { checkX3Connection } from "../x3/connectionCheck";
import { X3Gateway } from "../x3/gateway";
import { buildApp } from "./app";
import { DevTokenIssuer, EntraTokenVerifier } from "./auth/tokens";
import { type ServerConfig, x3GatewayConfig } from "./config";
import { developmentTls, type TlsMaterial } from "./devCertificates";
import { openDatabase } from "./store/database";
import { SetupStore } from "./store/setupStore";

export interface RunningAddinServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: SetupStore;
  readonly gateway: X3Gateway;
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
  let x3Config: X3GatewayConfig;
  if (config.embeddedEmulator) {
    const emulatorTls = await dev();
    emulator = await startX3Emulator({
      host: "127.0.0.1",
      port: config.X3_EMULATOR_PORT,
      tls: emulatorTls,
      dataFile: process.env.X3_EMULATOR_DATA || join(config.dataDir, "x3-emulator.json"),
      testHooks: true,
    });
    x3Config = {
      baseUrl: emulator.url.replace("127.0.0.1", "localhost"),
      endpoint: config.X3_ENDPOINT,
      auth: { kind: "basic", user: DEV_CREDENTIALS.user, password: DEV_CREDENTIALS.password },
      ca: emulatorTls.ca,
      yesNo: config.X3_YES_NO,
    };
  } else {
    x3Config = x3GatewayConfig(config);
  }
  const gateway = new X3Gateway(x3Config);
  const database = await openDatabase(config);
  const store = new SetupStore(database.db, database.dialect);
  const devIssuer = config.development ? new DevTokenIssuer(config.DEV_TOKEN_SECRET) : null;
  const verifier =
    devIssuer ??
    new EntraTokenVerifier({ issuer: config.AUTH_ISSUER!, audience: config.AUTH_AUDIENCE!, jwksUrl: config.AUTH_JWKS_URL! });

  const app = await buildApp({
    config,
    store,
    x3: gateway,
    verifier,
    devIssuer,
    https: tls ? { key: tls.key, cert: tls.cert } : null,
    connectionCheck: () => checkX3Connection(gateway),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  app.outbox.start();
  const port = (app.server.address() as { port: number }).port;
  const host = config.HOST === "127.0.0.1" || config.HOST === "::1" ? "localhost" : config.HOST;

  return {
    url: `${tls ? "https" : "http"}://${host}:${port}`,
    app,
    store,
    gateway,
    emulator,
    tls,
    async close() {
      await app.close();
      await gateway.close();
      await database.close();
      await emulator?.close();
    },
  };
}
