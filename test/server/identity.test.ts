/**
 * Finding the caller's X3 user costs X3 a bounded amount whatever a signed-in person does (issue 22,
 * finding 2), the stored mapping stands in for X3 for a limited time only (finding 6), and a mailbox
 * address stays with the person it was first used by (finding 4).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { X3User } from "../../src/core/setup";
import { IdentityResolver } from "../../src/server/identity";
import { ProblemError } from "../../src/server/problems";
import { openSqlite, type OpenedDatabase } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import type { X3Port } from "../../src/server/x3Port";

const JSMITH: X3User = { code: "JSMITH", name: "John Smith", email: "jsmith@contoso.com", language: "ENG" };
const HOUR = 3_600_000;

/** An X3 that knows JSMITH, counts the lookups, and can be down (a transient error, as the gateways throw). */
function fakeX3(): X3Port & { lookups: number; down: boolean; users: X3User[] } {
  const port = {
    lookups: 0,
    down: false,
    users: [JSMITH],
    async findUsersByEmail(email: string) {
      port.lookups += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (port.down) throw Object.assign(new Error("X3 is down"), { transient: true });
      return port.users.filter((u) => u.email === email);
    },
  };
  return port as unknown as X3Port & typeof port;
}

let dir: string;
let opened: OpenedDatabase;
let store: SetupStore;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "identity-"));
  opened = await openSqlite(join(dir, "store.sqlite"));
  clock = Date.parse("2026-12-08T10:00:00.000Z");
  store = new SetupStore(opened.db, opened.dialect, () => new Date(clock));
});
afterEach(async () => {
  await opened.close();
  await rm(dir, { recursive: true, force: true });
});

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProblemError) return err.code;
    throw err;
  }
  return "resolved";
}

describe("mailbox resolution", () => {
  it("caches a miss for a minute, and concurrent sign-ins of one mailbox share one lookup", async () => {
    const x3 = fakeX3();
    const identity = new IdentityResolver(x3, store, { now: () => clock });
    const answers = await Promise.all(Array.from({ length: 50 }, () => code(identity.resolve("nobody@contoso.com"))));
    expect(new Set(answers)).toEqual(new Set(["no-x3-user"]));
    expect(x3.lookups).toBe(1);
    for (let i = 0; i < 20; i++) expect(await code(identity.resolve("nobody@contoso.com"))).toBe("no-x3-user");
    expect(x3.lookups).toBe(1);
    clock += 61_000;
    expect(await code(identity.resolve("nobody@contoso.com"))).toBe("no-x3-user");
    expect(x3.lookups).toBe(2);
  });

  it("caches 'several X3 users' the same way", async () => {
    const x3 = fakeX3();
    x3.users = [JSMITH, { ...JSMITH, code: "JSMITH2" }];
    const identity = new IdentityResolver(x3, store, { now: () => clock });
    for (let i = 0; i < 10; i++) expect(await code(identity.resolve("jsmith@contoso.com"))).toBe("ambiguous-x3-user");
    expect(x3.lookups).toBe(1);
  });

  it("bounds X3 lookups per second for all mailboxes together; beyond, the caller is told to retry", async () => {
    const x3 = fakeX3();
    const identity = new IdentityResolver(x3, store, { now: () => clock, lookupsPerSecond: 5 });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => code(identity.resolve(`guest${i}@contoso.com`))));
    expect(x3.lookups).toBe(5);
    expect(answers.filter((a) => a === "no-x3-user")).toHaveLength(5);
    expect(answers.filter((a) => a === "x3-unavailable")).toHaveLength(35);
    // A second later, five more.
    clock += 1000;
    await Promise.all(Array.from({ length: 40 }, (_, i) => code(identity.resolve(`other${i}@contoso.com`))));
    expect(x3.lookups).toBe(10);
  });

  it("stands in with the stored mapping while X3 is down, for IDENTITY_FALLBACK_MAX_AGE_HOURS only", async () => {
    const x3 = fakeX3();
    const identity = new IdentityResolver(x3, store, { now: () => clock, ttlMs: 1000, fallbackMaxAgeMs: 24 * HOUR });
    await expect(identity.resolve("jsmith@contoso.com")).resolves.toEqual(JSMITH);
    x3.down = true;
    clock += 23 * HOUR;
    await expect(identity.resolve("jsmith@contoso.com")).resolves.toEqual(JSMITH);
    clock += 2 * HOUR;
    expect(await code(identity.resolve("jsmith@contoso.com"))).toBe("x3-unavailable");
  });
});

describe("a mailbox address bound to a person", () => {
  const jsmith = { tenantId: "t1", objectId: "oid-jsmith" };
  const impostor = { tenantId: "t1", objectId: "oid-someone-else" };

  it("refuses, and logs, another person with the address once the mapping is made — from memory and from the store", async () => {
    const warnings: unknown[] = [];
    const log = { warn: (obj: unknown) => warnings.push(obj) };
    const x3 = fakeX3();
    const identity = new IdentityResolver(x3, store, { now: () => clock, log });
    await expect(identity.resolve("jsmith@contoso.com", jsmith)).resolves.toEqual(JSMITH);
    expect(await code(identity.resolve("jsmith@contoso.com", impostor))).toBe("identity-changed");
    expect(warnings).toEqual([expect.objectContaining({ email: "jsmith@contoso.com", object: "oid-someone-else", boundObject: "oid-jsmith" })]);
    await expect(identity.resolve("jsmith@contoso.com", jsmith)).resolves.toEqual(JSMITH);
    // Another replica, or after a restart: the binding is in the store.
    const fresh = new IdentityResolver(x3, store, { now: () => clock + 3 * 60_000, log });
    expect(await code(fresh.resolve("jsmith@contoso.com", impostor))).toBe("identity-changed");
    await expect(fresh.resolve("jsmith@contoso.com", jsmith)).resolves.toEqual(JSMITH);
  });
});
