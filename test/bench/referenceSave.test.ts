/**
 * The server part's calibration: the prototype with its two levers. What it is measured doing must be
 * what the issue describes: tokens checked, bodies validated, a compare-and-set save with its history and
 * outbox rows in one transaction shared by concurrent saves, each answered after the log's fsync.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { buildReferenceSave, type ReferenceSave } from "../../bench/referenceSave";
import { FLAG_CODES, type Flags } from "../../src/core/flags";
import { testFolder, type TestFolder } from "../x3/fixture";

let folder: TestFolder;
let ref: ReferenceSave;

const flags = (on: boolean): Flags => Object.fromEntries(FLAG_CODES.map((code) => [code, on])) as Flags;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  folder = await testFolder();
  ref = await buildReferenceSave(folder.dir, 60);
});

afterAll(async () => {
  await ref?.close();
  await folder?.remove();
});

test("a user reads their setup, saves from its version, and a save from a stale version is refused with the current one", async () => {
  const [user] = ref.users;
  const read = await ref.app.inject({ method: "GET", url: `/setups/${user!.code}`, headers: auth(user!.token) });
  expect(read.json()).toEqual({ userCode: user!.code, version: 1, flags: flags(false) });

  const put = (version: number, on: boolean) =>
    ref.app.inject({ method: "PUT", url: `/setups/${user!.code}`, headers: { ...auth(user!.token), "if-match": `"${version}"` }, payload: { flags: flags(on) } });
  const saved = await put(1, true);
  expect(saved.statusCode).toBe(200);
  expect(saved.json()).toEqual({ userCode: user!.code, version: 2, flags: flags(true) });

  const stale = await put(1, false);
  expect(stale.statusCode).toBe(412);
  expect(stale.json().current).toEqual({ userCode: user!.code, version: 2, flags: flags(true) });
});

test("a missing, tampered or forged token is refused, and so is a body that is not the 23 flags", async () => {
  const [user, other] = ref.users;
  const url = `/setups/${user!.code}`;
  expect((await ref.app.inject({ method: "GET", url })).statusCode).toBe(401);
  const [head, payload] = user!.token.split(".");
  expect((await ref.app.inject({ method: "GET", url, headers: auth(`${head}.${payload}.AAAA`) })).statusCode).toBe(401);
  // Another mailbox in a payload with every claim the issuer writes, under the real token's signature.
  const claims = { ...JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")), preferred_username: "x@contoso.com", sub: "x@contoso.com" };
  const forged = `${head}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${user!.token.split(".")[2]}`;
  expect((await ref.app.inject({ method: "GET", url, headers: auth(forged) })).statusCode).toBe(401);

  const put = (payload: unknown) => ref.app.inject({ method: "PUT", url: `/setups/${other!.code}`, headers: { ...auth(other!.token), "if-match": '"1"' }, payload: payload as object });
  expect((await put({ flags: { ...flags(true), EXTRA: true } })).statusCode).toBe(400);
  const { [FLAG_CODES[0]!]: _dropped, ...missing } = flags(true);
  expect((await put({ flags: missing })).statusCode).toBe(400);
  expect((await put({ flags: { ...flags(true), [FLAG_CODES[0]!]: "yes" } })).statusCode).toBe(400);
});

test("concurrent saves share transactions and fsyncs, and every answered save is in the file with its history and outbox rows", async () => {
  const users = ref.users.slice(10, 60);
  const before = { ...ref.stats };
  const answers = await Promise.all(
    users.map((u) => ref.app.inject({ method: "PUT", url: `/setups/${u.code}`, headers: { ...auth(u.token), "if-match": '"1"' }, payload: { flags: flags(true) } })),
  );
  expect(answers.map((a) => a.statusCode)).toEqual(users.map(() => 200));
  const groups = ref.stats.groups - before.groups;
  expect(ref.stats.saves - before.saves).toBe(users.length);
  expect(groups).toBeLessThan(users.length);
  expect(ref.stats.fsyncs - before.fsyncs).toBe(groups);

  const db = new Database(`${folder.dir}/reference.sqlite`, { readonly: true });
  try {
    const codes = users.map((u) => u.code);
    const marks = codes.map(() => "?").join(",");
    expect(db.prepare(`select count(*) as n from setups where version = 2 and user_code in (${marks})`).get(...codes)).toEqual({ n: users.length });
    expect(db.prepare(`select count(*) as n from history where user_code in (${marks})`).get(...codes)).toEqual({ n: users.length });
    expect(db.prepare(`select count(*) as n from outbox where state = 'pending' and user_code in (${marks})`).get(...codes)).toEqual({ n: users.length });
  } finally {
    db.close();
  }
});

test("a save is answered only once the log's fsync has returned", async () => {
  // FileHandle is not exported: its prototype is reached through a handle of a scratch file.
  const scratch = await open(join(folder.dir, "scratch"), "w");
  const proto = Object.getPrototypeOf(scratch) as { sync: () => Promise<void> };
  await scratch.close();
  const real = proto.sync;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const sync = jest.spyOn(proto, "sync").mockImplementation(async function (this: unknown) {
    await held;
    return real.call(this);
  });
  try {
    const user = ref.users[5]!;
    const answer = ref.app.inject({ method: "PUT", url: `/setups/${user.code}`, headers: { ...auth(user.token), "if-match": '"1"' }, payload: { flags: flags(true) } });
    const early = await Promise.race([answer.then(() => "answered"), new Promise((resolve) => setTimeout(() => resolve("waiting"), 300))]);
    expect(early).toBe("waiting");
    expect(sync).toHaveBeenCalled();
    release();
    expect((await answer).statusCode).toBe(200);
  } finally {
    sync.mockRestore();
  }
});
