/**
 * What the server reads about X3 users besides their setup: the user list administrators search, and
 * the parameters the synchronization engine checks (AUSCRMA, AUSCRMF, CRMSYNC…). Cached briefly: they
 * change rarely and X3's web-service pools are small.
 */
import { evaluatePrerequisites, type Prerequisites } from "../core/prerequisites";
import type { X3User } from "../core/setup";
import { isNotPublished, type X3Port } from "./x3Port";

interface Cached<T> {
  readonly value: T;
  readonly expires: number;
}

export class Directory {
  private users: Cached<X3User[]> | null = null;
  private folder: Cached<Readonly<Record<string, boolean | null>>> | null = null;

  constructor(
    private readonly x3: X3Port,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async listUsers(): Promise<X3User[]> {
    if (this.users && this.users.expires > this.now()) return this.users.value;
    const value = await this.x3.listUsers();
    this.users = { value, expires: this.now() + this.ttlMs };
    return value;
  }

  /** Case- and accent-insensitive search over code, name and e-mail, in X3's order. */
  async search(term: string, page: number, pageSize: number): Promise<{ items: X3User[]; total: number }> {
    const fold = (s: string) => s.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
    const needle = fold(term.trim());
    const all = await this.listUsers();
    const matches = needle ? all.filter((u) => [u.code, u.name, u.email].some((f) => fold(f).includes(needle))) : all;
    return { items: matches.slice((page - 1) * pageSize, page * pageSize), total: matches.length };
  }

  async prerequisites(userCode: string): Promise<Prerequisites> {
    const unknown = (err: unknown) => (isNotPublished(err) ? ("not-published" as const) : null);
    const [userParameters, folderParameters] = await Promise.all([
      this.x3.userParameters(userCode).catch(unknown),
      this.folderParameters().catch(unknown),
    ]);
    return evaluatePrerequisites({ userParameters, folderParameters });
  }

  private async folderParameters(): Promise<Readonly<Record<string, boolean | null>>> {
    if (this.folder && this.folder.expires > this.now()) return this.folder.value;
    const value = await this.x3.folderParameters();
    this.folder = { value, expires: this.now() + this.ttlMs };
    return value;
  }
}
