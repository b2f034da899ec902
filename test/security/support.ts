/**
 * Shared by the fuzz and security tests: a built-pane folder with a secret beside it, the store's content
 * as a comparable snapshot, captured log lines, and raw HTTP over a real socket (app.inject, like a
 * browser, would tidy hostile paths before the server saw them).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { AppDependencies } from "../../src/server/app";
import { EntraTokenVerifier } from "../../src/server/auth/tokens";
import type { Database } from "../../src/server/store/schema";
import type { LocalEntra } from "../server/entraFixture";
import { type Harness, startHarness } from "../server/harness";
import { PRODUCTION_ENV } from "../server/productionEnv";

/** Never served: written beside dist/ (where a traversal would land) and as dotfiles inside it. */
export const SECRET = "SECRET-OUTSIDE-DIST-7f3a";
export const HASHED_JS = "taskpane.0123456789abcdef.js";

export interface StaticFolder {
  /** The served folder. */
  readonly dist: string;
  remove(): void;
}

export function staticFolder(): StaticFolder {
  const top = mkdtempSync(join(tmpdir(), "security-static-"));
  const dist = join(top, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(join(dist, "taskpane.html"), "<!doctype html><title>X3</title><p>pane</p>");
  writeFileSync(join(dist, HASHED_JS), "console.log('pane');\n");
  writeFileSync(join(dist, `${HASHED_JS}.map`), JSON.stringify({ version: 3, sources: ["webpack://src/taskpane/App.tsx"] }));
  writeFileSync(join(dist, "assets", "icon-16.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  writeFileSync(join(dist, ".env"), `X3_PASSWORD=${SECRET}`);
  writeFileSync(join(top, "secret.txt"), SECRET);
  writeFileSync(join(top, ".env"), SECRET);
  mkdirSync(join(top, "distant"));
  writeFileSync(join(top, "distant", "secret.txt"), SECRET);
  return { dist, remove: () => rmSync(top, { recursive: true, force: true }) };
}

/**
 * What a refused request must leave as it was: setups, history, outbox entries and the policy. History
 * and outbox rows are only ever appended, so their count and last id stand for them; the columns the
 * outbox worker changes on its own (delivery state, attempts, X3's confirmation) and the mailbox → X3
 * user cache (written by any successful sign-in, refused request or not) are left out.
 */
export async function storeSnapshot(db: Kysely<Database>): Promise<string> {
  const [setups, history, outbox, policy] = await Promise.all([
    db.selectFrom("setup").select(["user_code", "flags", "version", "updated_at", "updated_by", "source"]).orderBy("user_code").execute(),
    db.selectFrom("history").select((eb) => [eb.fn.countAll().as("rows"), eb.fn.max("id").as("last")]).executeTakeFirst(),
    db.selectFrom("outbox").select((eb) => [eb.fn.countAll().as("rows"), eb.fn.max("id").as("last")]).executeTakeFirst(),
    db.selectFrom("policy").selectAll().execute(),
  ]);
  return JSON.stringify({ setups, history, outbox, policy });
}

export interface LogCapture {
  readonly stream: Writable;
  readonly lines: string[];
  text(): string;
  entries(): Record<string, unknown>[];
}

/** A pino destination that keeps every line. */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return {
    stream,
    lines,
    text: () => lines.join("\n"),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** Sends `request line + headers` byte for byte to the app (listening on loopback once) and reads the answer. */
export async function rawRequest(app: FastifyInstance, path: string, method = "GET", headers: Record<string, string> = {}): Promise<RawResponse> {
  if (!app.server.listening) await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const head = Object.entries({ host: "addin.contoso.com", connection: "close", ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  const response = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n`, "latin1"));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("error", reject);
  });
  const [top = "", ...rest] = response.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = top.split("\r\n");
  const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine);
  if (!status) throw new Error(`not an HTTP response: ${response.slice(0, 80)}`);
  const parsed: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status[1]), headers: parsed, text: rest.join("\r\n\r\n") };
}

/** Production mode through the harness: Entra ID tokens from a local tenant, no development sign-in. */
export async function startProductionHarness(
  entra: LocalEntra,
  overrides: Partial<AppDependencies> = {},
  env: Record<string, string> = {},
): Promise<Harness> {
  return startHarness(
    { verifier: new EntraTokenVerifier({ issuer: entra.issuer, audience: entra.audience, jwksUrl: entra.jwksUrl }), devIssuer: null, ...overrides },
    {
      ...PRODUCTION_ENV,
      AUTH_ISSUER: entra.issuer,
      AUTH_AUDIENCE: entra.audience,
      AUTH_JWKS_URL: entra.jwksUrl,
      AUTH_CLIENT_ID: entra.audience,
      // The harness reaches the X3 emulator itself: the address below is never called.
      X3_BASE_URL: "https://x3.contoso.com",
      ...env,
    },
  );
}
