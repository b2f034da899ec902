/** `npm start` / `npm run serve`: the add-in server, configured from the environment. */
import { ConfigError, loadConfig } from "./config";
import { startAddinServer } from "./server";

async function main(): Promise<void> {
  let config;
  try {
    // `npm run serve` passes --production: production mode unless ADDIN_MODE says otherwise.
    const env = process.argv.includes("--production") ? { ADDIN_MODE: "production", ...process.env } : process.env;
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(2);
    }
    throw err;
  }
  const server = await startAddinServer(config);
  const lines = [
    "",
    `X3 sync setup add-in (${config.ADDIN_MODE} mode)`,
    `  Task pane:   ${server.url}/taskpane.html`,
    `  API:         ${server.url}/api/v1`,
    server.emulator
      ? `  X3:          the embedded X3 emulator at ${server.emulator.url.replace("127.0.0.1", "localhost")} (set X3_BASE_URL to use a real X3)`
      : `  X3:          ${config.X3_BASE_URL}`,
    server.tls ? `  Certificate: ${server.tls.certFile} (${server.tls.source})` : "  TLS:         terminated by the proxy (TRUST_PROXY)",
  ];
  if (config.development) {
    lines.push(
      "",
      "Sideload in Outlook on the web: Get Add-ins → My add-ins → Add a custom add-in → Add from file →",
      `  ${process.cwd()}/manifest.xml`,
      "The browser must trust the certificate above: run `npm run certs:install` once (it needs",
      "admin rights) and restart; without it, open the task pane URL once and accept the certificate.",
      "",
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    server.app.log.info({ signal }, "shutting down");
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`The add-in server could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
