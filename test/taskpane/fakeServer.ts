/**
 * An in-memory stand-in for the add-in server's API, as the pane's fetch sees it, for component tests.
 * It follows the real API's contract: ETag versions, If-Match, 412 with the current state.
 */
import { allFlags, type Flags } from "../../src/core/flags";
import { evaluatePrerequisites, type Prerequisites } from "../../src/core/prerequisites";
import type { HistoryEntry, SyncSetup, X3User } from "../../src/core/setup";
import type { SettingsStore } from "../../src/office/settingsStore";
import { SettingsSaveError } from "../../src/office/settingsStore";
import { json } from "./adminFake";


export interface FakeServer {
  setup: SyncSetup;
  prerequisites: Prerequisites;
  /** When set, every request fails as if the network were down. */
  offline: boolean;
  administrator: boolean;
  /** When set, saves are answered with this problem. */
  refusePut: { status: number; code: string } | null;
  puts: { flags: Flags; ifMatch: string | null }[];
  /** Other X3 users an administrator can open (setup and prerequisites), by code. */
  others: Map<string, { user: X3User; setup: SyncSetup; prerequisites: Prerequisites }>;
  /** X3 publishes no SYNCDATA to the server (SOAP without the optional class): the impact answers 501. */
  syncDataUnpublished: boolean;
  /** JSMITH's history, newest first. */
  history: HistoryEntry[];
  /** Every request, as "METHOD url". */
  requests: string[];
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
}

export function setupOf(flags: Flags, version: number, deliveryState: SyncSetup["delivery"]["state"] = "delivered"): SyncSetup {
  return {
    userCode: "JSMITH",
    flags,
    version,
    updatedAt: version ? "2026-11-27T09:00:00.000Z" : null,
    updatedBy: version ? "jsmith@contoso.com" : null,
    source: version ? "pane" : "default",
    delivery: {
      state: version ? deliveryState : "none",
      version,
      at: deliveryState === "delivered" ? "2026-11-27T09:00:01.000Z" : null,
      nextAttemptAt: null,
      message: deliveryState === "failed" ? "Record locked" : null,
    },
    x3: { confirmed: deliveryState === "delivered" && version > 0, lastConfirmedAt: null, missing: false },
    locks: {},
  };
}

export function fakeServer(initial: SyncSetup = setupOf(allFlags(false), 0)): FakeServer {
  const server: FakeServer = {
    setup: initial,
    prerequisites: evaluatePrerequisites({
      userParameters: { AUSCRMA: "1", AUSCRMF: "REP01" },
      folderParameters: { CRMSYNC: true, CRMSYNCCOR: true, CRMSYNCTSK: true, CRMSYNCCLL: true, CRMSYNCBAP: true },
    }),
    offline: false,
    refusePut: null,
    syncDataUnpublished: false,
    administrator: false,
    puts: [],
    others: new Map(),
    history: [],
    requests: [],
    fetch: async (url, init = {}) => {
      if (server.offline) throw new TypeError("Failed to fetch");
      const method = init.method ?? "GET";
      server.requests.push(`${method} ${url}`);
      const other = /^\/api\/v1\/setups\/([A-Z0-9_]+)(\/prerequisites)?$/.exec(url);
      if (other && server.others.has(other[1]!)) {
        const o = server.others.get(other[1]!)!;
        if (other[2]) return json(200, o.prerequisites);
        if (method === "PUT") {
          const { flags } = JSON.parse(String(init.body)) as { flags: Flags };
          o.setup = { ...setupOf(flags, o.setup.version + 1), userCode: o.user.code, updatedBy: "admin@contoso.com" };
        }
        return json(200, o.setup, { etag: `"${o.setup.version}"` });
      }
      if (url.startsWith("/api/v1/users?")) {
        const search = new URL(url, "https://x").searchParams.get("search")?.toLowerCase() ?? "";
        const all = [{ code: "JSMITH", name: "John Smith", email: "jsmith@contoso.com", language: "ENG" }, ...[...server.others.values()].map((o) => o.user)];
        const items = all.filter((u) => [u.code, u.name, u.email].some((v) => v.toLowerCase().includes(search)));
        return json(200, { items, total: items.length, page: 1, pageSize: 20 });
      }
      if (url.startsWith("/api/v1/setups/JSMITH/history")) {
        return json(200, { items: server.history, total: server.history.length, page: 1, pageSize: 20 });
      }
      if (url === "/api/v1/dev/token") return json(200, { access_token: "t", token_type: "Bearer", expires_in: 3600 });
      if (url === "/api/v1/me") {
        return json(200, {
          user: { code: "JSMITH", name: "John Smith", email: "jsmith@contoso.com", language: "ENG" },
          administrator: server.administrator,
          development: true,
          prerequisites: server.prerequisites,
        });
      }
      if (url === "/api/v1/setups/JSMITH" && method === "GET") return json(200, server.setup, { etag: `"${server.setup.version}"` });
      if (url === "/api/v1/admin/x3-check" && method === "POST") {
        return json(200, {
          ok: false,
          baseUrl: "https://x3.contoso.com",
          steps: [
            { id: "reach", ok: true, detail: "X3 answers", fix: null },
            { id: "tls", ok: true, detail: "the certificate is trusted", fix: null },
            { id: "auth", ok: false, detail: "401", fix: "Check X3_USER and X3_PASSWORD." },
            { id: "class:SYNCPAR", ok: null, detail: "not tried: an earlier step failed", fix: null },
          ],
        });
      }
      if (url === "/api/v1/setups/JSMITH/impact" && server.syncDataUnpublished) {
        return json(501, { type: "x", title: "X3 does not publish this to the add-in", status: 501, code: "x3-not-published" });
      }
      if (url === "/api/v1/setups/JSMITH/impact") {
        const none = { create: 0, update: 0, delete: 0 };
        return json(200, {
          userCode: "JSMITH",
          pending: { contact: none, task: { create: 0, update: 0, delete: 3 }, call: none, appointment: { create: 1, update: 0, delete: 0 } },
          at: "2026-11-27T09:00:00.000Z",
        });
      }
      if (url === "/api/v1/setups/JSMITH" && method === "PUT" && server.refusePut) {
        const { status, code } = server.refusePut;
        return json(status, { type: "x", title: code, status, code });
      }
      if (url === "/api/v1/setups/JSMITH" && method === "PUT") {
        const headers = init.headers as Record<string, string>;
        const ifMatch = headers["if-match"] ?? null;
        const { flags } = JSON.parse(String(init.body)) as { flags: Flags };
        server.puts.push({ flags, ifMatch });
        if (ifMatch !== `"${server.setup.version}"`) {
          return json(412, { type: "x", title: "stale", status: 412, code: "version-mismatch", current: server.setup });
        }
        server.setup = setupOf(flags, server.setup.version + 1);
        return json(200, server.setup, { etag: `"${server.setup.version}"` });
      }
      return json(404, { type: "x", title: "nf", status: 404, code: "not-found" });
    },
  };
  return server;
}

/** Roaming settings as Office keeps them: `set` in memory, `save` persists; failures can be injected. */
export class MemorySettings implements SettingsStore {
  readonly kind = "roaming" as const;
  readonly saved = new Map<string, unknown>();
  private readonly working = new Map<string, unknown>();
  failNextSaves: (number | string)[] = [];

  constructor(initial: Record<string, unknown> = {}) {
    for (const [k, v] of Object.entries(initial)) {
      this.saved.set(k, v);
      this.working.set(k, v);
    }
  }
  get(key: string): unknown {
    return this.working.get(key);
  }
  set(key: string, value: unknown): void {
    // Office serializes settings as JSON; so does this stand-in.
    this.working.set(key, JSON.parse(JSON.stringify(value)));
  }
  remove(key: string): void {
    this.working.delete(key);
  }
  async save(): Promise<void> {
    const code = this.failNextSaves.shift();
    if (code !== undefined) throw new SettingsSaveError(code, code === 9057 ? "Settings are too large" : "Internal error");
    this.saved.clear();
    for (const [k, v] of this.working) this.saved.set(k, JSON.parse(JSON.stringify(v)));
  }
}
