/**
 * Mailbox address → X3 user, through AUTILIS.ADDEML (case-insensitive). Answers are cached briefly, and
 * the last known mapping is kept in the store so a signed-in user still sees their setup while X3 is down.
 */
import type { X3User } from "../core/setup";
import { ProblemError } from "./problems";
import type { SetupStore } from "./store/setupStore";
import { isTransientX3Error, type X3Port } from "./x3Port";

export class IdentityResolver {
  private readonly cache = new Map<string, { user: X3User; expires: number }>();

  constructor(
    private readonly x3: X3Port,
    private readonly store: SetupStore,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async resolve(email: string): Promise<X3User> {
    const key = email.toLowerCase();
    const cached = this.cache.get(key);
    if (cached && cached.expires > this.now()) return cached.user;

    let matches: X3User[];
    try {
      matches = (await this.x3.findUsersByEmail(key)).filter((u) => u.email.toLowerCase() === key);
    } catch (err) {
      const known = isTransientX3Error(err) ? await this.store.knownUser(key) : null;
      if (known) return known;
      throw new ProblemError(503, "x3-unavailable", "X3 could not be asked who you are. Try again in a moment.");
    }
    if (matches.length === 0) throw new ProblemError(403, "no-x3-user", `No X3 user has the e-mail address ${key}.`);
    if (matches.length > 1) {
      throw new ProblemError(403, "ambiguous-x3-user", `${matches.length} X3 users have the e-mail address ${key}.`);
    }
    const user = matches[0]!;
    this.cache.set(key, { user, expires: this.now() + this.ttlMs });
    await this.store.rememberUser(key, user);
    return user;
  }
}
