/**
 * Mailbox address → X3 user, through AUTILIS.ADDEML (case-insensitive). Answers are cached briefly, and
 * the last known mapping is kept in the store so a signed-in user still sees their setup while X3 is down.
 *
 * What any signed-in person of the tenant (a guest included) can make the server ask X3 is bounded: X3's
 * web-service pool has a few connections shared with every user's saves. A miss ("no X3 user", "several")
 * is cached like a hit; concurrent sign-ins of one mailbox share one lookup; and lookups for all mailboxes
 * together are limited per second — beyond it the known mapping stands in, or the caller is told to retry.
 */
import type { FastifyBaseLogger } from "fastify";
import type { X3User } from "../core/setup";
import { ProblemError } from "./problems";
import type { SetupStore } from "./store/setupStore";
import { isTransientX3Error, type X3Port } from "./x3Port";

/** Who a token says the caller is (Entra ID's `tid` and `oid`): the address may move, the person does not. */
export interface Person {
  readonly tenantId: string;
  readonly objectId: string;
}

export interface IdentityOptions {
  /** How long a hit, and a miss, is answered from memory. */
  readonly ttlMs: number;
  /** X3 lookups a second, all mailboxes together. */
  readonly lookupsPerSecond: number;
  /** How old the stored mapping may be to stand in for X3 (0: never). */
  readonly fallbackMaxAgeMs: number;
  /** Mailboxes remembered at most (hits and misses); the oldest entry makes room. */
  readonly maxEntries: number;
  readonly now: () => number;
  readonly log: Pick<FastifyBaseLogger, "warn"> | null;
}

type Answer = { readonly user: X3User } | { readonly refusal: ProblemError };

export class IdentityResolver {
  private readonly cache = new Map<string, { answer: Answer; expires: number; person: Person | null }>();
  private readonly inFlight = new Map<string, Promise<Answer>>();
  private readonly options: IdentityOptions;
  /** A token bucket: `lookupsPerSecond` at most, refilled continuously. */
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly x3: X3Port,
    private readonly store: SetupStore,
    options: Partial<IdentityOptions> = {},
  ) {
    this.options = { ttlMs: 60_000, lookupsPerSecond: 5, fallbackMaxAgeMs: 24 * 3_600_000, maxEntries: 10_000, now: Date.now, log: null, ...options };
    this.tokens = this.options.lookupsPerSecond;
    this.refilledAt = this.options.now();
  }

  async resolve(email: string, person: Person | null = null): Promise<X3User> {
    const key = email.toLowerCase();
    const cached = this.cache.get(key);
    if (cached && cached.expires > this.options.now()) {
      if ("refusal" in cached.answer) throw cached.answer.refusal;
      if (person && cached.person) this.checkBinding(key, cached.person, person);
      else if (person) await this.bind(key, person);
      return cached.answer.user;
    }
    let lookup = this.inFlight.get(key);
    if (!lookup) {
      lookup = this.lookUp(key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, lookup);
    }
    const answer = await lookup;
    if ("refusal" in answer) throw answer.refusal;
    if (person) await this.bind(key, person);
    return answer.user;
  }

  /** One X3 lookup for the mailbox, its answer cached; X3 unreachable or over budget: the stored mapping, fresh enough. */
  private async lookUp(key: string): Promise<Answer> {
    if (!this.takeToken()) {
      const known = await this.fallback(key);
      if (known) return { user: known };
      throw new ProblemError(503, "x3-unavailable", "Too many sign-ins are being checked with X3 at once. Try again in a moment.", {}, { "retry-after": "1" });
    }
    let matches: X3User[];
    try {
      matches = (await this.x3.findUsersByEmail(key)).filter((u) => u.email.toLowerCase() === key);
    } catch (err) {
      const known = isTransientX3Error(err) ? await this.fallback(key) : null;
      if (known) return { user: known };
      throw new ProblemError(503, "x3-unavailable", "X3 could not be asked who you are. Try again in a moment.");
    }
    let answer: Answer;
    if (matches.length === 0) answer = { refusal: new ProblemError(403, "no-x3-user", `No X3 user has the e-mail address ${key}.`) };
    else if (matches.length > 1) answer = { refusal: new ProblemError(403, "ambiguous-x3-user", `${matches.length} X3 users have the e-mail address ${key}.`) };
    else answer = { user: matches[0]! };
    this.remember(key, answer);
    if ("user" in answer) await this.store.rememberUser(key, answer.user);
    return answer;
  }

  private fallback(key: string): Promise<X3User | null> {
    const { fallbackMaxAgeMs, now } = this.options;
    if (fallbackMaxAgeMs <= 0) return Promise.resolve(null);
    return this.store.knownUser(key, new Date(now() - fallbackMaxAgeMs));
  }

  /** The mailbox's first person is kept (in the store, and with the cached answer); another one is refused. */
  private async bind(key: string, person: Person): Promise<void> {
    const bound = await this.store.bindIdentity(key, person);
    const cached = this.cache.get(key);
    if (cached && "user" in cached.answer) cached.person = bound;
    this.checkBinding(key, bound, person);
  }

  private checkBinding(key: string, bound: Person, person: Person): void {
    if (bound.tenantId === person.tenantId && bound.objectId === person.objectId) return;
    this.options.log?.warn(
      { email: key, boundTenant: bound.tenantId, boundObject: bound.objectId, tenant: person.tenantId, object: person.objectId },
      "sign-in refused: the mailbox address belongs to another person than the one it was first used by",
    );
    throw new ProblemError(403, "identity-changed", `The address ${key} is tied to another Microsoft 365 account in this add-in.`);
  }

  private remember(key: string, answer: Answer): void {
    this.cache.delete(key);
    // The oldest entry makes room (a Map keeps insertion order): a flood of new addresses cannot grow memory.
    if (this.cache.size >= this.options.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { answer, expires: this.options.now() + this.options.ttlMs, person: null });
  }

  private takeToken(): boolean {
    const now = this.options.now();
    const { lookupsPerSecond } = this.options;
    if (!Number.isFinite(lookupsPerSecond)) return true;
    this.tokens = Math.min(lookupsPerSecond, this.tokens + ((now - this.refilledAt) / 1000) * lookupsPerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
