/**
 * `npm run x3-emulator`: the X3 emulator on its own, for the add-in server in development or for a
 * demo. HTTPS on 127.0.0.1 with the development certificate; demo data kept in the data folder.
 *
 * Environment: X3_EMULATOR_PORT (8124), DATA_DIR (.data), X3_EMULATOR_DATA (DATA_DIR/x3-emulator.json),
 * X3_EMULATOR_CLIENT_ID + X3_EMULATOR_SECRET (+ X3_EMULATOR_AUDIENCE, default "x3") to accept
 * connected-app bearer tokens besides Basic admin / admin.
 */
import { join } from "node:path";
import { developmentTls } from "../../server/devCertificates";
import { startX3Emulator } from "./app";
import { SOAP_PATH } from "./soap/routes";

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR || ".data";
  const port = Number(process.env.X3_EMULATOR_PORT || 8124);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("X3_EMULATOR_PORT must be a port number");
  const tls = await developmentTls(dataDir);
  const clientId = process.env.X3_EMULATOR_CLIENT_ID;
  const secret = process.env.X3_EMULATOR_SECRET;

  const emulator = await startX3Emulator({
    host: "127.0.0.1",
    port,
    tls,
    dataFile: process.env.X3_EMULATOR_DATA || join(dataDir, "x3-emulator.json"),
    ...(clientId && secret ? { connectedApp: { clientId, secret, audience: process.env.X3_EMULATOR_AUDIENCE || "x3" } } : {}),
    logger: { level: process.env.LOG_LEVEL || "info" },
  });
  console.log(`X3 emulator: ${emulator.url}/api1/x3/erp/SEED (Basic admin / admin; certificate ${tls.certFile})`);
  console.log(`X3 emulator: SOAP at ${emulator.url}${SOAP_PATH} (pool alias SEED, publications YSYP and YAUS)`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`X3 emulator: ${signal}, stopping`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error("X3 emulator failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
