/**
 * Property-based fuzzing (fast-check) of every route the app registers — the list comes from the app, so a
 * new route is fuzzed without touching this file: arbitrary paths, queries, headers and bodies from every
 * kind of caller. Whatever arrives, the server answers below 500, as a problem document when it refuses,
 * keeps running, and a refused request leaves the store exactly as it was.
 *
 * The runs are seeded (FUZZ_SEED overrides it, to explore further); a failure prints the seed, the path
 * and the shrunk counterexample to replay it.
 */
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { FLAG_CODES } from "../../src/core/flags";
import { etagOf, UserCodeSchema } from "../../src/core/setup";
import { API_ROUTES } from "../../src/server/openapi";
import { DIALECTS } from "../server/databases";
import { bearer, type Harness, startHarness } from "../server/harness";
import { captureLogs, HASHED_JS, type LogCapture, rawRequest, SECRET, type StaticFolder, staticFolder, storeSnapshot } from "./support";

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
/** Cases per registered route in the general property; the focused properties add their own. */
const RUNS_PER_ROUTE = 70;
/**
 * Each property also stops at a time budget (the cases run are counted and printed), so the file stays
 * well under a minute on a loaded machine; an idle one runs every case.
 */
const budget = (ms: number) => ({ seed: SEED, interruptAfterTimeLimit: ms, markInterruptAsFailure: false });

let h: Harness;
let statics: StaticFolder;
let logs: LogCapture;
const callers: Record<string, Record<string, string>> = {};
/** Cases run and answers seen, by status: the report's figures. */
const seen = { cases: 0, refused: 0, statuses: new Map<number, number>() };

// ---- arbitraries -------------------------------------------------------------------------------------

/** UTF-8 of each code point, lone surrogates included (as WTF-8 would write them: bytes no decoder accepts). */
function wtf8(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Buffer.from(bytes);
}

/** Percent-encodes every byte but the unreserved ones: the request line stays ASCII whatever the bytes. */
function percent(bytes: Uint8Array, keep = /[A-Za-z0-9\-._~]/): string {
  let out = "";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += keep.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const printable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** Characters that have broken user-code handling elsewhere: controls, bidi, combining, look-alikes, case folding. */
const TRICKY = [
  "\u0000", "\ud800", "\udfff", "\udc00\ud800", "\u202e", "\u200f", "\u200b", "\ufeff", "\u0301", "\u0130", "\u0131", "\u017f",
  "\u212a", "\uff2a", "\u041c", "\u0410", "\ud83d\ude00", "\r\n", "%", "/", "\\", "..", "?", "#", " ", "\t", "'", '"', "<", ";",
];

/** A user code as an attacker might write it: real codes disfigured by tricky characters, random Unicode, raw bytes. */
const userCodeText = fc.oneof(
  fc.constantFrom("JSMITH", "jsmith", "LDUPONT", "ADMIN", "NOSUCH", "A".repeat(11), "", "_", "0"),
  fc
    .tuple(fc.constantFrom("JSMITH", "jsmith", "LDUPONT", "ADMIN"), fc.array(fc.tuple(fc.nat(12), fc.constantFrom(...TRICKY)), { minLength: 1, maxLength: 4 }))
    .map(([code, inserts]) => inserts.reduce((s: string, [at, c]) => s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1)), code)),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme-composite", maxLength: 12 }),
  fc.integer({ min: 90, max: 3000 }).map((n) => "J".repeat(n)),
);

/** A path segment on the wire: percent-encoded WTF-8 of a user code, raw bytes, or hostile spellings. */
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("JSMITH", "jsmith", "LDUPONT", "MCLARK", "ADMIN") },
  { weight: 3, arbitrary: userCodeText.map((t) => percent(wtf8(t))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }).map((b) => percent(b)) },
  { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "%C0%AE%C0%AE", "%2e%2e", "..", ".", "%00", "%25", "taskpane.html", "assets/icon-16.png", `${HASHED_JS}.map`, ".env", "..%2f.env") },
);

const query = fc.oneof(
  fc.constant(""),
  fc
    .dictionary(fc.constantFrom("page", "pageSize", "search", "x", "__proto__", "constructor", "page[]"), fc.oneof(printable(12), fc.constantFrom("0", "-1", "1e9", "NaN", "1.5", "99999999999999999999")), { maxKeys: 3 })
    .map((d) => `?${Object.entries(d).map(([k, v]) => `${percent(Buffer.from(k))}=${percent(Buffer.from(v))}`).join("&")}`),
  fc.uint8Array({ maxLength: 30 }).map((b) => `?${percent(b, /[A-Za-z0-9\-._~=&]/)}`),
  fc.constantFrom("?page=1&page=2", "?search=%00", `?search=${"a".repeat(300)}`, "?%", "?&&&=", "?pageSize=100&page=100000"),
);

const CONTENT_TYPES = [
  "application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "application/json; charset=utf-16",
  "APPLICATION/JSON", "application/json, text/plain", "application/problem+json", "application/vnd.api+json", "text/plain",
  "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "", ";", "application/",
];

const headers = fc.record(
  {
    // Mostly JSON, so most requests get past the parser to the checks behind it.
    "content-type": fc.oneof({ weight: 6, arbitrary: fc.constant("application/json") }, { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: printable(40) }),
    "if-match": fc.oneof({ weight: 3, arbitrary: fc.constant("CURRENT") }, { weight: 2, arbitrary: fc.constantFrom('"0"', '"1"', '"2"', "*", 'W/"1"', '"-1"', '"1.5"', '"1e3"', '"999999999999999999"', '""', '"1", "2"') }, { weight: 1, arbitrary: printable(20) }),
    "accept-encoding": fc.constantFrom("gzip", "br", "identity", "*", "gzip;q=0, br;q=0, identity;q=0", "compress", "br;q=nonsense"),
    "content-encoding": fc.option(fc.constantFrom("gzip", "br", "deflate", "identity", "x-unknown"), { freq: 6 }).map((v) => v ?? "identity"),
    accept: fc.oneof(fc.constantFrom("application/json", "text/html", "*/*", "application/xml"), printable(30)),
    "x-forwarded-for": fc.constantFrom("10.0.0.1", "::1, 127.0.0.1", "not-an-address"),
    cookie: printable(40),
  },
  { requiredKeys: ["content-type"] },
);

const flagsBody = fc.array(fc.boolean(), { minLength: FLAG_CODES.length, maxLength: FLAG_CODES.length }).map((values) => Object.fromEntries(FLAG_CODES.map((c, i) => [c, values[i]])));
/** Almost right: one flag missing, of the wrong type, or one key too many, so validation has to be thorough. */
const nearlyFlags = fc.tuple(flagsBody, fc.nat(FLAG_CODES.length - 1), fc.constantFrom("drop", "string", "null", "number", "extra", "proto")).map(([flags, i, how]) => {
  const f: Record<string, unknown> = { ...flags };
  const code = FLAG_CODES[i]!;
  if (how === "drop") delete f[code];
  else if (how === "string") f[code] = "true";
  else if (how === "null") f[code] = null;
  else if (how === "number") f[code] = 1;
  else if (how === "extra") f["CLLADXCRE"] = true;
  else return `{"flags":${JSON.stringify(f).slice(0, -1)},"__proto__":{"administrator":true}}}`;
  return { flags: f };
});
const policyBody = fc.record(
  {
    defaults: fc.dictionary(fc.constantFrom(...FLAG_CODES, "CLLADXCRE", "x"), fc.oneof(fc.boolean(), fc.constant("yes"))),
    locks: fc.dictionary(fc.constantFrom(...FLAG_CODES.slice(0, 4), "x"), fc.record({ value: fc.oneof(fc.boolean(), fc.constant(0)), reason: fc.oneof(fc.string({ unit: "binary", maxLength: 20 }), fc.constant(" ")) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

/** JSON that is not: cut short, trailing commas, comments, NaN, a BOM, bare words, the wrong encoding. */
const malformedJson = fc.oneof(
  fc.constantFrom("{", "[", "}", '{"flags":', '{"a":1,}', "[1,]", "{'a':1}", "nul", "NaN", "{\"a\":NaN}", "/* */{}", "\ufeff{}", "{}{}", '{"a":"\\ud800"}', '{"a":"\u0000"}', '"\\u0000"', "1e999999", "-", "\u0000", " ", ""),
  fc.jsonValue({ maxDepth: 3 }).chain((v) => {
    const text = JSON.stringify(v) ?? "null";
    return fc.nat(text.length).map((cut) => text.slice(0, cut) + (cut < text.length ? "" : "}"));
  }),
);

/** Nested past any sane depth, still under the 16 KB body limit (deeper ones are refused as too large). */
const deepJson = fc.tuple(fc.integer({ min: 100, max: 5000 }), fc.constantFrom("array", "object", "flags")).map(([depth, kind]) => {
  if (kind === "array") return "[".repeat(depth) + "]".repeat(depth);
  if (kind === "object") return '{"a":'.repeat(Math.floor(depth / 3)) + "1" + "}".repeat(Math.floor(depth / 3));
  return `{"flags":${'{"JSMITH":'.repeat(Math.floor(depth / 10))}true${"}".repeat(Math.floor(depth / 10))}}`;
});

const oversize = fc.tuple(fc.integer({ min: 16 * 1024 - 64, max: 200 * 1024 }), fc.constantFrom("string", "array")).map(([size, kind]) =>
  kind === "string" ? JSON.stringify({ flags: {}, pad: "x".repeat(size) }) : `[${"0,".repeat(Math.floor(size / 2))}0]`,
);

/** Well-formed bodies weigh most: a refusal that comes late (after validation, in the store) is where a partial write would hide. */
const body: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? "null") },
  { weight: 4, arbitrary: flagsBody.map((flags) => JSON.stringify({ flags })) },
  { weight: 3, arbitrary: nearlyFlags.map((b) => (typeof b === "string" ? b : JSON.stringify(b))) },
  { weight: 4, arbitrary: policyBody.map((p) => JSON.stringify(p)) },
  { weight: 3, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(1), fc.constantFrom(2 ** 31, 2 ** 31 + 1, 2 ** 53 - 1), fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER })).map((version) => JSON.stringify({ version })) },
  { weight: 1, arbitrary: userCodeText.map((t) => JSON.stringify({ email: `${t}@contoso.com` })) },
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"administrator":true}}', '{"constructor":{"prototype":{"administrator":true}}}', '{"email":"jsmith@contoso.com","__proto__":{}}') },
  { weight: 2, arbitrary: malformedJson },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: oversize },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
);

const METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];

interface Case {
  readonly caller: string;
  readonly method: Method | null;
  readonly param: string;
  readonly rest: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | undefined;
}

const caseFor = (params: { param?: fc.Arbitrary<string>; body?: fc.Arbitrary<string | Buffer | undefined>; headers?: fc.Arbitrary<Record<string, string>> } = {}) =>
  fc.record({
    caller: fc.constantFrom("anonymous", "garbage", "user", "other", "admin"),
    // null: the route's own method (most cases); otherwise another method on the same path.
    method: fc.option(fc.constantFrom(...METHODS), { freq: 5 }),
    param: params.param ?? segment,
    rest: fc.oneof({ weight: 6, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("/", "//", "/.", "/x") }),
    query,
    headers: params.headers ?? headers,
    body: params.body ?? body,
  });

// ---- running a case ----------------------------------------------------------------------------------

/** "/api/v1/setups/:userCode/history" with the case's segment in the parameter (or the static wildcard). */
function urlOf(route: string, c: Pick<Case, "param" | "rest" | "query">): string {
  const path = route.replace(/:[A-Za-z]+|\*/g, c.param);
  return `${path}${c.rest}${c.query}`;
}

async function ifMatchFor(url: string, param: string): Promise<string> {
  if (url.includes("/policy")) return etagOf((await h.store.policy()).version);
  let code = param;
  try {
    code = decodeURIComponent(param);
  } catch {
    // Not decodable: no such user, any tag will do.
  }
  // Only a well-formed code is looked up: the server never asks the store about another (PostgreSQL refuses a NUL).
  if (!UserCodeSchema.safeParse(code).success) return etagOf(0);
  return etagOf((await h.store.get(code.toUpperCase()))?.version ?? 0);
}

/** Sends one case and checks what must hold whatever the input. */
async function check(routeMethod: string, route: string, c: Case): Promise<LightMyRequestResponse> {
  const url = urlOf(route, c);
  const requestHeaders: Record<string, string> = { ...c.headers, ...callers[c.caller] };
  if (requestHeaders["if-match"] === "CURRENT") requestHeaders["if-match"] = await ifMatchFor(url, c.param);
  const method = (c.method ?? routeMethod) as Method;
  const before = await storeSnapshot(h.database.db);
  const res = await h.app.inject({ method, url, headers: requestHeaders, ...(c.body === undefined ? {} : { payload: c.body }) });
  seen.cases += 1;
  seen.statuses.set(res.statusCode, (seen.statuses.get(res.statusCode) ?? 0) + 1);
  const what = `${method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  if (res.statusCode >= 500) throw new Error(`a server error: ${what}`);
  if (res.statusCode >= 400) {
    seen.refused += 1;
    if (!String(res.headers["content-type"]).startsWith("application/problem+json")) throw new Error(`a refusal that is no problem document: ${what}`);
    if ((await storeSnapshot(h.database.db)) !== before) throw new Error(`a refused request changed the store: ${what}`);
  }
  if (res.body.includes(SECRET)) throw new Error(`the secret beside dist/ was served: ${what}`);
  return res;
}

const fuzzed = () => h.app.registeredRoutes.map((r) => r.split(" ") as [string, string]);

// ---- properties --------------------------------------------------------------------------------------

// The whole suite on each database the store runs on: PostgreSQL refuses what SQLite accepts (a number beyond
// its 32-bit integer columns), and such a refusal must never become a 5xx.
describe.each(DIALECTS)("on $name", ({ make, required }) => {
  let skip = false;
  beforeAll(async () => {
    // PostgreSQL is required in CI (required() throws there) and skipped with a notice elsewhere.
    if (!(await required())) {
      skip = true;
      return;
    }
    seen.cases = 0;
    seen.refused = 0;
    seen.statuses.clear();
    statics = staticFolder();
    logs = captureLogs();
    h = await startHarness(
      {
        // The fuzzing is about what the server does with a request, not about how many it lets through.
        rateLimitPerMinute: 1_000_000,
        userRateLimitPerMinute: 1_000_000,
        deliveryBudgetMs: 200,
        logger: { level: "error", stream: logs.stream },
      },
      { STATIC_DIR: statics.dist },
      { database: await make() },
    );
    callers.anonymous = {};
    callers.garbage = { authorization: "Bearer not.a.token" };
    callers.user = bearer(await h.token("jsmith@contoso.com"));
    callers.other = bearer(await h.token("ldupont@contoso.com"));
    callers.admin = bearer(await h.token("admin@contoso.com"));
    // Sign each caller in once, so the mailbox → X3 user cache is written before any snapshot is taken.
    for (const caller of ["user", "other", "admin"]) expect((await h.app.inject({ url: "/api/v1/me", headers: callers[caller] })).statusCode).toBe(200);
    // Read every X3 user's setup once: a user's first save or read takes X3's row into the store (by
    // design, even when the save is then refused), and that import is not what the snapshots look for.
    for (const user of await h.gateway.listUsers()) {
      expect((await h.app.inject({ url: `/api/v1/setups/${user.code}`, headers: callers.admin })).statusCode).toBe(200);
    }
  }, 30_000);

  afterAll(async () => {
    if (skip) return;
    await h?.close();
    statics?.remove();
    const statuses = [...seen.statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    process.stdout.write(`fuzz: ${seen.cases} requests, ${seen.refused} refused; statuses ${statuses.join(" ")}\n`);
  });

  describe("fuzzing every route", () => {
    it("fuzzes the routes the app registers, and they include every API route the OpenAPI document describes", () => {
      if (skip) return;
      const registered = new Set(h.app.registeredRoutes);
      for (const r of API_ROUTES) expect(registered).toContain(`${r.method.toUpperCase()} ${r.path.replace(/\{(\w+)\}/g, ":$1")}`);
      expect(registered).toContain("GET /*");
    });

    it("answers any path, query, header and body on every route below 500, and a refusal changes nothing", async () => {
      if (skip) return;
      for (const [method, route] of fuzzed()) {
        await fc.assert(
          fc.asyncProperty(caseFor(), async (c) => {
            await check(method, route, c);
          }),
          { numRuns: RUNS_PER_ROUTE, endOnFailure: true, ...budget(800) },
        );
      }
    }, 120_000);

    it("refuses malformed, oversize and deeply nested JSON, and every other content type, on the routes that take a body", async () => {
      if (skip) return;
      const withBody = fuzzed().filter(([method]) => method === "PUT" || method === "POST");
      expect(withBody.length).toBeGreaterThanOrEqual(4);
      // The routes whose OpenAPI description declares a body: they must refuse every broken one. The others
      // (the X3 check) ignore a body, and must only meet the invariants.
      const declared = new Set(API_ROUTES.filter((r) => r.body).map((r) => `${r.method.toUpperCase()} ${r.path.replace(/\{(\w+)\}/g, ":$1")}`));
      const broken = fc.oneof(malformedJson, deepJson, oversize, fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)));
      for (const [method, route] of withBody) {
        await fc.assert(
          fc.asyncProperty(
            caseFor({ param: fc.constantFrom("JSMITH", "LDUPONT"), body: broken }).filter((c) => c.method === null),
            fc.constantFrom(...CONTENT_TYPES),
            async (c, contentType) => {
              const res = await check(method, route, { ...c, caller: "admin", headers: { ...c.headers, "content-type": contentType } });
              // Whether the route refuses for the body, the type, the version or the caller, it refuses.
              if (declared.has(`${method} ${route}`)) expect(res.statusCode).toBeGreaterThanOrEqual(400);
            },
          ),
          { numRuns: 50, ...budget(800) },
        );
      }
    }, 60_000);

    it("refuses a well-formed, current write from anyone not allowed to make it, and then changes nothing", async () => {
      if (skip) return;
      // The versioned writes, with bodies that pass validation: what decides is who asks, and for whom.
      const validPolicy = fc.record({
        defaults: fc.dictionary(fc.constantFrom(...FLAG_CODES), fc.boolean(), { maxKeys: 5 }),
        locks: fc.dictionary(fc.constantFrom(...FLAG_CODES.slice(0, 3)), fc.record({ value: fc.boolean(), reason: fc.constant("Company rule") }), { maxKeys: 2 }),
      });
      const VALID: Record<string, fc.Arbitrary<string>> = {
        "PUT /api/v1/setups/:userCode": flagsBody.map((flags) => JSON.stringify({ flags })),
        "POST /api/v1/setups/:userCode/restore": fc.integer({ min: 1, max: 4 }).map((version) => JSON.stringify({ version })),
        "PUT /api/v1/policy": validPolicy.map((p) => JSON.stringify(p)),
      };
      const writes = API_ROUTES.filter((r) => r.ifMatch).map((r) => [r.method.toUpperCase(), r.path.replace(/\{(\w+)\}/g, ":$1")] as const);
      expect(writes.map(([m, p]) => `${m} ${p}`).sort()).toEqual(Object.keys(VALID).sort());
      for (const [method, route] of writes) {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom("anonymous", "garbage", "user", "other", "admin"),
            fc.constantFrom("JSMITH", "LDUPONT", "MCLARK", "ADMIN"),
            VALID[`${method} ${route}`]!,
            async (caller, param, payload) => {
              const res = await check(method, route, { caller, method: null, param, rest: "", query: "", headers: { "content-type": "application/json", "if-match": "CURRENT" }, body: payload });
              const own = (caller === "user" && param === "JSMITH") || (caller === "other" && param === "LDUPONT");
              const allowed = caller === "admin" || (own && !route.includes("restore") && !route.includes("policy"));
              if (!allowed) expect({ caller, param, route, refused: res.statusCode >= 400 }).toEqual({ caller, param, route, refused: true });
            },
          ),
          { numRuns: 60, ...budget(2000) },
        );
      }
    }, 60_000);

    it("never confuses a user code spelt with control, bidi, combining or look-alike characters with a real one", async () => {
      if (skip) return;
      const userRoutes = fuzzed().filter(([, route]) => route.includes(":userCode"));
      expect(userRoutes.length).toBeGreaterThanOrEqual(6);
      const spelling = fc.oneof(
        userCodeText.map((t) => percent(wtf8(t))),
        // The same text, UTF-8 encoded the ordinary way (a lone surrogate becomes U+FFFD).
        userCodeText.map((t) => percent(Buffer.from(t, "utf8"))),
      );
      for (const [method, route] of userRoutes) {
        await fc.assert(
          fc.asyncProperty(caseFor({ param: spelling }).filter((c) => c.method === null), async (c) => {
            const res = await check(method, route, { ...c, caller: "user", rest: "", query: "", headers: { "content-type": "application/json", "if-match": "CURRENT" } });
            if (res.statusCode < 300 && method !== "HEAD") {
              // jsmith may reach one setup only: his own, whatever the spelling that got him there.
              expect(decodeURIComponent(c.param).toUpperCase()).toBe("JSMITH");
              if (res.json().userCode !== undefined) expect(res.json().userCode).toBe("JSMITH");
            }
          }),
          { numRuns: 50, ...budget(1200) },
        );
      }
    }, 60_000);
  });

  describe("versions beyond the store's 32-bit integers", () => {
    it("are refused as invalid (4xx), never a 5xx, in a restore's body and in If-Match", async () => {
      if (skip) return;
      const current = etagOf((await h.store.get("JSMITH"))?.version ?? 0);
      for (const version of [2 ** 31, 2 ** 31 + 1, 2 ** 53 - 1]) {
        const res = await h.app.inject({
          method: "POST",
          url: "/api/v1/setups/JSMITH/restore",
          headers: { ...callers.admin, "if-match": current, "content-type": "application/json" },
          payload: JSON.stringify({ version }),
        });
        expect({ version, status: res.statusCode }).toEqual({ version, status: 400 });
      }
      const policy = await h.app.inject({ url: "/api/v1/policy", headers: callers.admin });
      for (const tag of ['"2147483648"', '"999999999999999"']) {
        const res = await h.app.inject({
          method: "PUT",
          url: "/api/v1/policy",
          headers: { ...callers.admin, "if-match": tag, "content-type": "application/json" },
          payload: JSON.stringify(policy.json().policy),
        });
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }
    });
  });

  describe("fuzzing the static files", () => {
    const UP = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "%c0%ae%c0%ae", "..%00", "..%2500", "...", ". .", "%u002e%u002e"];
    const SEPARATOR = ["/", "%2f", "%2F", "\\", "%5c", "%5C", "%252f", "%255c", "//", "/./", "%c0%af", "\\/"];
    const TARGET = ["secret.txt", ".env", "distant/secret.txt", "dist/../secret.txt", "secret.txt%00.html", "secret.txt%00", "SECRET.TXT", "secret.txt/", "secret.txt?download"];
    const traversal = fc
      .tuple(
        fc.constantFrom("", "/assets", "/assets/", "/%2e", "/./"),
        fc.array(fc.tuple(fc.constantFrom(...UP), fc.constantFrom(...SEPARATOR)), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...TARGET),
      )
      .map(([prefix, steps, target]) => `${prefix}/${steps.map(([up, sep]) => up + sep).join("")}${target}`.replace(/^\/\//, "/"));

    it("never serves a file outside dist/, over a real socket, whatever the encoding of the way out", async () => {
      if (skip) return;
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(traversal, async (path) => {
          const res = await rawRequest(h.app, path);
          cases += 1;
          expect({ path, status: res.status < 500, secret: res.text.includes(SECRET) }).toEqual({ path, status: true, secret: false });
        }),
        { numRuns: 400, ...budget(4000) },
      );
      seen.cases += cases;
      // The way in works, so the refusals above are not an accident of a broken file server.
      expect((await rawRequest(h.app, "/assets/../taskpane.html")).status).toBe(200);
      expect((await rawRequest(h.app, "/assets/icon-16.png")).status).toBe(200);
    }, 60_000);
  });

  describe("after the fuzzing", () => {
    it("the server still answers, logged no unhandled error, and every refused request left the store as it was", async () => {
      if (skip) return;
      expect((await h.app.inject("/healthz")).json()).toEqual({ status: "ok" });
      expect((await h.app.inject({ url: "/api/v1/setups/JSMITH", headers: callers.user })).statusCode).toBe(200);
      const errors = logs.entries().filter((e) => Number(e["level"]) >= 50);
      expect(errors.map((e) => e["msg"])).toEqual([]);
      // Thousands on an idle machine (3,600); fewer when the time budgets cut a loaded one short.
      expect(seen.cases).toBeGreaterThan(1000);
    });
  });
});
