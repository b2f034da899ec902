/**
 * The pane's client of the add-in server (same origin, JSON, bearer token, ETag / If-Match).
 * Every failure is an `ApiError` with a problem code the pane turns into a sentence.
 */
import type { Flags } from "../core/flags";
import type { ConnectionReport } from "../core/connectionReport";
import type { ImpactResponse } from "../core/impact";
import type { Prerequisites } from "../core/prerequisites";
import { etagOf } from "../core/etag";
import type { HistoryPage, Me, Problem, SyncSetup, UsersPage, X3User } from "../core/setup";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The server's problem code, or "network" when no answer came. */
    readonly code: string,
    readonly problem: Problem | null = null,
  ) {
    super(problem?.detail ?? problem?.title ?? code);
  }
  get offline(): boolean {
    return this.code === "network";
  }
}

export type TokenSource = (forceRefresh: boolean) => Promise<string>;

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

async function call<T>(fetchImpl: FetchLike, url: string, init: RequestInit): Promise<{ body: T; response: Response }> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiError(0, "network");
  }
  const text = await response.text().catch(() => "");
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const p = body && typeof body === "object" && "code" in body ? (body as Problem) : null;
    // A proxy's HTML error page or an empty 502 means the server itself was not reached.
    const code = p?.code ?? (response.status >= 502 && response.status <= 504 ? "network" : `http-${response.status}`);
    throw new ApiError(response.status, code, p);
  }
  return { body: body as T, response };
}

/** Development sign-in: a token for the mailbox from the server's development issuer. */
export function devTokenSource(email: string, fetchImpl: FetchLike = (u, i) => fetch(u, i)): TokenSource {
  let cached: { token: string; expiresAt: number } | null = null;
  return async (forceRefresh) => {
    if (!forceRefresh && cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
    try {
      const { body } = await call<{ access_token: string; expires_in: number }>(fetchImpl, "/api/v1/dev/token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
      cached = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
      return cached.token;
    } catch (err) {
      // No development issuer: a production server whose sign-in this build does not do.
      if (err instanceof ApiError && err.status === 404) throw new ApiError(404, "sign-in-unavailable");
      throw err;
    }
  };
}

export class ApiClient {
  constructor(
    private readonly token: TokenSource,
    private readonly fetchImpl: FetchLike = (u, i) => fetch(u, i),
  ) {}

  private async authorized<T>(url: string, init: RequestInit = {}): Promise<{ body: T; response: Response }> {
    const attempt = async (refresh: boolean) =>
      call<T>(this.fetchImpl, url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await this.token(refresh)}` },
      });
    try {
      return await attempt(false);
    } catch (err) {
      // An expired token is refreshed once, silently.
      if (err instanceof ApiError && err.status === 401) return attempt(true);
      throw err;
    }
  }

  async me(): Promise<Me> {
    return (await this.authorized<Me>("/api/v1/me")).body;
  }

  async setup(userCode: string): Promise<SyncSetup> {
    return (await this.authorized<SyncSetup>(`/api/v1/setups/${encodeURIComponent(userCode)}`)).body;
  }

  async saveSetup(userCode: string, flags: Flags, version: number): Promise<SyncSetup> {
    const { body } = await this.authorized<SyncSetup>(`/api/v1/setups/${encodeURIComponent(userCode)}`, {
      method: "PUT",
      headers: { "content-type": "application/json", "if-match": etagOf(version) },
      body: JSON.stringify({ flags }),
    });
    return body;
  }

  async prerequisites(userCode: string): Promise<Prerequisites> {
    return (await this.authorized<Prerequisites>(`/api/v1/setups/${encodeURIComponent(userCode)}/prerequisites`)).body;
  }

  async impact(userCode: string): Promise<ImpactResponse> {
    return (await this.authorized<ImpactResponse>(`/api/v1/setups/${encodeURIComponent(userCode)}/impact`)).body;
  }

  async checkX3Connection(): Promise<ConnectionReport> {
    return (await this.authorized<ConnectionReport>("/api/v1/admin/x3-check", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).body;
  }

  /** Administrators: X3 users whose code, name or e-mail contains `search` (case- and accent-insensitive). */
  async searchUsers(search: string, options: { page?: number; pageSize?: number; signal?: AbortSignal } = {}): Promise<UsersPage> {
    const { page = 1, pageSize = 20, signal } = options;
    const url = `/api/v1/users?search=${encodeURIComponent(search)}&page=${page}&pageSize=${pageSize}`;
    return (await this.authorized<UsersPage>(url, signal ? { signal } : {})).body;
  }

  /** Who changed a user's setup, what and when: newest first. */
  async setupHistory(userCode: string, options: { page?: number; pageSize?: number; signal?: AbortSignal } = {}): Promise<HistoryPage> {
    const { page = 1, pageSize = 20, signal } = options;
    const url = `/api/v1/setups/${encodeURIComponent(userCode)}/history?page=${page}&pageSize=${pageSize}`;
    return (await this.authorized<HistoryPage>(url, signal ? { signal } : {})).body;
  }

  /** Administrators: back to the flags of history entry `version`, as a new version made from `currentVersion`. */
  async restoreSetup(userCode: string, version: number, currentVersion: number): Promise<SyncSetup> {
    const { body } = await this.authorized<SyncSetup>(`/api/v1/setups/${encodeURIComponent(userCode)}/restore`, {
      method: "POST",
      headers: { "content-type": "application/json", "if-match": etagOf(currentVersion) },
      body: JSON.stringify({ version }),
    });
    return body;
  }
}

/** The demo users of the development server, for the browser preview's picker. */
export async function demoUsers(fetchImpl: FetchLike = (u, i) => fetch(u, i)): Promise<X3User[]> {
  const { body } = await call<{ users: X3User[] }>(fetchImpl, "/api/v1/dev/users", {});
  return body.users;
}
