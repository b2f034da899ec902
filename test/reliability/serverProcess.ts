/**
 * The real add-in server (build/server/main.js) as a child process, for tests that must kill it: HTTPS on
 * a free loopback port, development sign-in, and the X3 emulator the test runs (so X3 outlives the server).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { Agent, request } from "undici";
import type { TestFolder } from "../x3/fixture";

export const MAIN_JS = resolve(__dirname, "..", "..", "build", "server", "main.js");

/** The DEV_TOKEN_SECRET the child is given; tests sign in through its development token endpoint. */
const DEV_SECRET = "reliability-test-secret-of-sufficient-length";

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, "127.0.0.1", ok));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((ok) => probe.close(() => ok()));
  return port;
}

export interface ServerProcessOptions {
  readonly folder: TestFolder;
  readonly x3Url: string;
  readonly port: number;
  /** postgres://… ; absent: SQLite in the data folder. */
  readonly databaseUrl?: string | null;
  readonly env?: Record<string, string>;
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** What the child wrote, for a failure message. */
  output(): string;
  /** SIGKILL: no shutdown hook, no flush; resolves once the process is gone. */
  kill(): Promise<void>;
}

export function requireBuiltServer(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: run \`npm run build:server\` first (\`npm test\` builds before it runs jest).`);
  }
}

/** Starts the server and waits until it answers /healthz. */
export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  requireBuiltServer();
  const { certFile } = o.folder.tls;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    ADDIN_MODE: "development",
    HOST: "127.0.0.1",
    PORT: String(o.port),
    DATA_DIR: o.folder.dir,
    STATIC_DIR: join(o.folder.dir, "no-dist"),
    TLS_CERT_FILE: certFile,
    TLS_KEY_FILE: certFile.replace(/\.crt$/, ".key"),
    DEV_TOKEN_SECRET: DEV_SECRET,
    X3_BASE_URL: o.x3Url,
    X3_USER: "admin",
    X3_PASSWORD: "admin",
    // SOAP for setups and users, as a stock X3 is reached (the emulator's pool); api1 for what SOAP cannot reach.
    X3_SOAP_POOL_ALIAS: "SEED",
    X3_CLASS_ADOVALAUS: "ADOVALAUS",
    X3_CLASS_ADOVAL: "ADOVAL",
    X3_CLASS_SYNCDATA: "SYNCDATA",
    X3_CA_FILE: certFile,
    X3_RESPONSE_TIMEOUT_MS: "3000",
    X3_CONNECT_TIMEOUT_MS: "1000",
    OUTBOX_POLL_MS: "100",
    RATE_LIMIT_PER_ADDRESS: "1000000",
    RATE_LIMIT_PER_USER: "1000000",
    LOG_LEVEL: "warn",
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...o.env,
  };
  const child = spawn(process.execPath, [MAIN_JS], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const url = `https://127.0.0.1:${o.port}`;
  const client = new HttpsClient(url, o.folder.tls.ca);
  try {
    const end = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
      const ok = await client.call("GET", "/healthz").then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > end) throw new Error(`the server did not answer in 20 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  } finally {
    await client.close();
  }
  return {
    url,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly json: unknown;
  readonly etag: string | undefined;
}

/** HTTPS to the child, trusting the test's certificate; plenty of sockets for concurrent saves. */
export class HttpsClient {
  private readonly agent: Agent;

  constructor(
    private readonly base: string,
    ca: string,
  ) {
    this.agent = new Agent({ connect: { ca, timeout: 2000 }, connections: 64, headersTimeout: 15_000, bodyTimeout: 15_000 });
  }

  async call(method: "GET" | "PUT" | "POST", path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const res = await request(`${this.base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      dispatcher: this.agent,
    });
    const text = await res.body.text();
    const etag = res.headers.etag;
    return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined, etag: typeof etag === "string" ? etag : undefined };
  }

  /** A bearer token from the server's development sign-in. */
  async token(email: string): Promise<string> {
    const res = await this.call("POST", "/api/v1/dev/token", { body: { email } });
    if (res.status !== 200) throw new Error(`dev token for ${email}: HTTP ${res.status}`);
    return (res.json as { access_token: string }).access_token;
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }
}
