/**
 * A recording fetch stub for the administrators' components (user picker, history view): each test
 * says how the server answers; every request is kept, with its method, headers and body.
 */
import { allFlags } from "../../src/core/flags";
import type { HistoryEntry, SyncSetup, X3User } from "../../src/core/setup";
import { ApiClient } from "../../src/taskpane/api";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  // jsdom has no fetch Response: this carries what the pane's client reads of one.
  const all = new Map(Object.entries({ "content-type": "application/json", ...headers }));
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (name: string) => all.get(name.toLowerCase()) ?? null },
    text: async () => JSON.stringify(body),
  } as unknown as Response;
}

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  json(status, { type: `urn:x3-sync-setup:problem:${code}`, title: code, status, code, ...extra });

export interface Recorded {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export interface Stub {
  readonly calls: Recorded[];
  readonly api: ApiClient;
  /** What the server answers next; change it between steps of a test. */
  handler: (request: Recorded) => Response | Promise<Response>;
}

export function stubServer(handler: Stub["handler"]): Stub {
  const stub: Stub = {
    calls: [],
    handler,
    api: new ApiClient(
      async () => "token",
      async (url, init = {}) => {
        const request: Recorded = {
          url,
          method: init.method ?? "GET",
          headers: (init.headers as Record<string, string>) ?? {},
          body: typeof init.body === "string" ? JSON.parse(init.body) : null,
        };
        stub.calls.push(request);
        return stub.handler(request);
      },
    ),
  };
  return stub;
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export const USERS: readonly X3User[] = [
  { code: "JSMITH", name: "John Smith", email: "jsmith@contoso.com", language: "ENG" },
  { code: "ADMIN", name: "Alice Admin", email: "alice.admin@contoso.com", language: "ENG" },
  { code: "MDUPONT", name: "Marie Dupont", email: "marie.dupont@contoso.fr", language: "FRA" },
  { code: "HELENE", name: "Hélène Lefèvre", email: "h.lefevre@contoso.fr", language: "FRA" },
  { code: "BOB", name: "Bob Jones", email: "bob.jones@fabrikam.com", language: "ENG" },
];

/** The server's search (src/server/directory.ts): code, name or e-mail, ignoring case and accents. */
export function usersPage(url: string, users: readonly X3User[] = USERS): Response {
  const q = new URL(url, "https://addin.example").searchParams;
  const fold = (s: string) => s.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
  const needle = fold((q.get("search") ?? "").trim());
  const page = Number(q.get("page") ?? 1);
  const pageSize = Number(q.get("pageSize") ?? 20);
  const matches = needle ? users.filter((u) => [u.code, u.name, u.email].some((f) => fold(f).includes(needle))) : [...users];
  return json(200, { items: matches.slice((page - 1) * pageSize, page * pageSize), total: matches.length, page, pageSize });
}

export function setupAt(version: number, over: Partial<SyncSetup> = {}): SyncSetup {
  return {
    userCode: "MDUPONT",
    flags: allFlags(false),
    version,
    updatedAt: "2026-11-27T12:00:00.000Z",
    updatedBy: "alice.admin@contoso.com",
    source: "restore",
    delivery: { state: "delivered", version, at: "2026-11-27T12:00:01.000Z", nextAttemptAt: null, message: null },
    x3: { confirmed: true, lastConfirmedAt: "2026-11-27T12:00:01.000Z", missing: false },
    locks: {},
    ...over,
  };
}

/** A user's history, newest first, as the server pages it. */
export function historyPage(url: string, entries: readonly HistoryEntry[]): Response {
  const q = new URL(url, "https://addin.example").searchParams;
  const page = Number(q.get("page") ?? 1);
  const pageSize = Number(q.get("pageSize") ?? 20);
  const sorted = [...entries].sort((a, b) => b.version - a.version);
  return json(200, { items: sorted.slice((page - 1) * pageSize, page * pageSize), total: sorted.length, page, pageSize });
}
