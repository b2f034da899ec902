/**
 * Shared by the X3 tests: a throw-away data folder with a self-signed certificate, an emulator on
 * 127.0.0.1 with a free port, and a gateway that trusts that certificate.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { developmentTls, type TlsMaterial } from "../../src/server/devCertificates";
import type { X3GatewayConfig } from "../../src/x3/config";
import { startX3Emulator, type RunningX3Emulator, type StartX3EmulatorOptions } from "../../src/x3/emulator";
import { X3Gateway } from "../../src/x3/gateway";

export interface TestFolder {
  readonly dir: string;
  readonly tls: TlsMaterial;
  remove(): Promise<void>;
}

export async function testFolder(): Promise<TestFolder> {
  const dir = await mkdtemp(join(tmpdir(), "x3-test-"));
  // null: never pick up a developer's office-addin-dev-certs; the test makes its own certificate.
  const tls = await developmentTls(dir, null);
  return { dir, tls, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function startTestEmulator(folder: TestFolder, options: Partial<StartX3EmulatorOptions> = {}): Promise<RunningX3Emulator> {
  return startX3Emulator({ port: 0, tls: folder.tls, dataFile: null, ...options });
}

export function testGateway(url: string, folder: TestFolder, overrides: Partial<X3GatewayConfig> = {}): X3Gateway {
  return new X3Gateway({
    baseUrl: url,
    endpoint: "SEED",
    auth: { kind: "basic", user: "admin", password: "admin" },
    ca: folder.tls.ca,
    retries: 0,
    retryBaseDelayMs: 5,
    ...overrides,
  });
}

/** Catches the rejection so a test can assert on the error itself. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure, got a success");
}

/** A raw HTTPS call to the emulator (test hooks, or api1 with hand-made credentials). */
export async function callEmulator(
  emulator: RunningX3Emulator,
  folder: TestFolder,
  method: "GET" | "PUT" | "POST" | "DELETE",
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: unknown }> {
  const agent = new Agent({ connect: { ca: folder.tls.ca } });
  try {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const res = await request(`${emulator.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      dispatcher: agent,
    });
    const text = await res.body.text();
    const isJson = String(res.headers["content-type"] ?? "").includes("json");
    return { status: res.statusCode, json: isJson && text ? (JSON.parse(text) as unknown) : text || undefined };
  } finally {
    await agent.close();
  }
}

export const BASIC_ADMIN = { authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` };

export interface EmulatorSuite {
  readonly folder: TestFolder;
  readonly emulator: RunningX3Emulator;
  readonly gateway: X3Gateway;
}

/**
 * One emulator (and a gateway trusting it) for a whole test file: started before the first test, faults
 * cleared after each, everything closed after the last. `assign` hands the pieces to the file's variables.
 */
export function emulatorSuite(assign: (suite: EmulatorSuite) => void, options: Partial<StartX3EmulatorOptions> = {}): void {
  let suite: EmulatorSuite | null = null;
  beforeAll(async () => {
    const folder = await testFolder();
    const emulator = await startTestEmulator(folder, options);
    suite = { folder, emulator, gateway: testGateway(emulator.url, folder) };
    assign(suite);
  });
  afterEach(async () => {
    if (suite) await callEmulator(suite.emulator, suite.folder, "DELETE", "/__emulator/faults");
  });
  afterAll(async () => {
    await suite?.gateway.close();
    await suite?.emulator.close();
    await suite?.folder.remove();
  });
}
