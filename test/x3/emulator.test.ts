import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { allFlags } from "../../src/core/flags";
import { encodeYesNo } from "../../src/core/x3YesNo";
import { createX3Emulator, type RunningX3Emulator } from "../../src/x3/emulator";
import { BASIC_ADMIN, callEmulator, startTestEmulator, testFolder, testGateway, type TestFolder } from "./fixture";

const YES = encodeYesNo(true) as number; // the local menu form X3 stores
const NO = encodeYesNo(false) as number;
const API = "/api1/x3/erp/SEED";
const DETAILS = (key: string) => `${API}/SYNCPAR('${key}')?representation=SYNCPAR.$details`;
const EDIT = (key: string) => `${API}/SYNCPAR('${key}')?representation=SYNCPAR.$edit`;
const CREATE = `${API}/SYNCPAR?representation=SYNCPAR.$create`;

let folder: TestFolder;
let emulator: RunningX3Emulator;

beforeAll(async () => {
  folder = await testFolder();
  emulator = await startTestEmulator(folder);
});

afterAll(async () => {
  await emulator?.close();
  await folder?.remove();
});

const api = (method: "GET" | "PUT" | "POST", path: string, body?: unknown) =>
  callEmulator(emulator, folder, method, path, { headers: BASIC_ADMIN, ...(body === undefined ? {} : { body }) });

function messages(json: unknown): string[] {
  return ((json as { $diagnoses?: { $severity: string; $message: string }[] }).$diagnoses ?? []).map((d) => {
    expect(d.$severity).toBe("error");
    return d.$message;
  });
}

describe("api1 strictness", () => {
  test("an unknown key, class or endpoint is 404 with $diagnoses", async () => {
    for (const path of [
      DETAILS("NOBODY"),
      `${API}/ZZZ('A')?representation=ZZZ.$details`,
      "/api1/x3/erp/PROD/SYNCPAR('LDUPONT')?representation=SYNCPAR.$details",
    ]) {
      const res = await api("GET", path);
      expect(res.status).toBe(404);
      expect(messages(res.json)).toHaveLength(1);
    }
  });

  test("records carry $uuid and $etag; yes/no as 1/2", async () => {
    const res = await api("GET", DETAILS("LDUPONT"));
    expect(res.status).toBe(200);
    const record = res.json as Record<string, unknown>;
    expect(typeof record.$uuid).toBe("string");
    expect(typeof record.$etag).toBe("string");
    expect(record.COROTKCRE).toBe(YES);
    expect(record.CORADXCRE).toBe(NO);
  });

  test("an unknown property is refused with 400 and nothing changes", async () => {
    const before = emulator.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")!.etag;
    const res = await api("PUT", EDIT("LDUPONT"), { COROTKCRE: NO, NOSUCHFLAG: YES });
    expect(res.status).toBe(400);
    expect(messages(res.json).join()).toMatch(/NOSUCHFLAG/);
    expect(emulator.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")!.etag).toBe(before);
  });

  test("business-rule failures come with HTTP 200 and $diagnoses, and nothing changes", async () => {
    const before = emulator.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")!;
    for (const body of [{ COROTKCRE: 3 }, { COROTKCRE: true }, { UPDUSR: "HACKER" }, { SYPUSR: "OTHER" }]) {
      const res = await api("PUT", EDIT("LDUPONT"), body);
      expect(res.status).toBe(200);
      expect(messages(res.json)).toHaveLength(1);
    }
    const after = emulator.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")!;
    expect(after.etag).toBe(before.etag);
    expect(after.values).toEqual(before.values);
  });

  test("creating a duplicate, or a row for an unknown user, is refused under 200", async () => {
    const dup = await api("POST", CREATE, { SYPUSR: "LDUPONT" });
    expect(dup.status).toBe(200);
    expect(messages(dup.json).join()).toMatch(/already exists/);
    const ghost = await api("POST", CREATE, { SYPUSR: "GHOST" });
    expect(ghost.status).toBe(200);
    expect(messages(ghost.json).join()).toMatch(/GHOST does not exist/);
    expect(emulator.app.x3Emulator.store.get("SYNCPAR", "GHOST")).toBeUndefined();
  });

  test("a wrong facet, a bad where or count is 400 with $diagnoses", async () => {
    for (const path of [
      `${API}/SYNCPAR('LDUPONT')?representation=SYNCPAR.$query`,
      `${API}/AUTILIS?representation=AUTILIS.$query&where=${encodeURIComponent("NOPE eq 'x'")}`,
      `${API}/AUTILIS?representation=AUTILIS.$query&where=${encodeURIComponent("USR eq 'x")}`,
      `${API}/AUTILIS?representation=AUTILIS.$query&count=0`,
    ]) {
      const res = await api("GET", path);
      expect(res.status).toBe(400);
      expect(messages(res.json)).toHaveLength(1);
    }
  });

  test("$query pages by 20 by default, with an absolute $next", async () => {
    const first = await api("GET", `${API}/SYNCDATA?representation=SYNCDATA.$query&count=5`);
    const page = first.json as { $resources: unknown[]; $links?: { $next?: { $url: string } } };
    expect(page.$resources).toHaveLength(5);
    const next = page.$links?.$next?.$url ?? "";
    expect(next.startsWith(`${emulator.url}/api1/`)).toBe(true);
    const second = await api("GET", next.slice(emulator.url.length));
    const rest = second.json as { $resources: unknown[]; $links?: unknown };
    expect(rest.$resources.length).toBeGreaterThan(0);
    expect(rest.$links).toBeUndefined();

    const all = await api("GET", `${API}/SYNCDATA?representation=SYNCDATA.$query`);
    expect((all.json as { $itemsPerPage: number }).$itemsPerPage).toBe(20);
  });

  test("every update gives a new $etag and UPDDATTIM, even back to back", async () => {
    const a = await api("PUT", EDIT("LDUPONT"), { TSKOTKCRE: YES });
    const b = await api("PUT", EDIT("LDUPONT"), { TSKOTKCRE: YES });
    const ra = a.json as Record<string, unknown>;
    const rb = b.json as Record<string, unknown>;
    expect(rb.$etag).not.toBe(ra.$etag);
    expect(rb.UPDDATTIM).not.toBe(ra.UPDDATTIM);
  });
});

describe("test hooks", () => {
  test("fault bodies are validated", async () => {
    const post = (body: unknown) => callEmulator(emulator, folder, "POST", "/__emulator/faults", { body });
    expect((await post({ kind: "latency" })).status).toBe(400);
    expect((await post({ kind: "explode" })).status).toBe(400);
    expect((await post({ kind: "unavailable", count: -1 })).status).toBe(400);
    expect((await post({ kind: "unavailable", count: 1, extra: true })).status).toBe(400);
    expect(emulator.app.x3Emulator.faults.current().fault).toBeNull();
  });

  test("a fault applies to api1 requests for its count, then stops", async () => {
    await callEmulator(emulator, folder, "POST", "/__emulator/faults", { body: { kind: "unavailable", count: 2 } });
    // Hooks are not api1: they do not use up the fault.
    expect((await callEmulator(emulator, folder, "GET", "/__emulator/requests")).status).toBe(200);
    expect((await api("GET", DETAILS("LDUPONT"))).status).toBe(503);
    expect((await api("GET", DETAILS("LDUPONT"))).status).toBe(503);
    expect((await api("GET", DETAILS("LDUPONT"))).status).toBe(200);
  });

  test("the request counter counts api1 requests by method", async () => {
    type Counts = { total: number; byMethod: Record<string, number> };
    const read = async () => (await callEmulator(emulator, folder, "GET", "/__emulator/requests")).json as Counts;
    const before = await read();
    await api("GET", DETAILS("LDUPONT"));
    await api("PUT", EDIT("LDUPONT"), {});
    const after = await read();
    expect(after.total - before.total).toBe(2);
    expect((after.byMethod.PUT ?? 0) - (before.byMethod.PUT ?? 0)).toBe(1);
  });

  test("row edits are validated and bump the $etag", async () => {
    const put = (path: string, body: unknown) => callEmulator(emulator, folder, "PUT", `/__emulator/tables/${path}`, { body });
    expect((await put("SYNCPAR/LDUPONT", { COROTKCRE: 7 })).status).toBe(400);
    expect((await put("SYNCPAR/LDUPONT", { UPDUSR: "X" })).status).toBe(400);
    expect((await put("SYNCPAR/LDUPONT", { NOPE: "X" })).status).toBe(400);
    expect((await put("NOTABLE/LDUPONT", {})).status).toBe(404);
    expect((await put("ADOVALAUS/JSMITH", { VALEUR: "2" })).status).toBe(400);
    const before = emulator.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")!.etag;
    const ok = await put("SYNCPAR/LDUPONT", { COROTKCRE: NO });
    expect(ok.status).toBe(200);
    expect((ok.json as { $etag: string }).$etag).not.toBe(before);
    const got = await callEmulator(emulator, folder, "GET", "/__emulator/tables/SYNCPAR/LDUPONT");
    expect((got.json as Record<string, unknown>).COROTKCRE).toBe(NO);
    expect((await callEmulator(emulator, folder, "GET", "/__emulator/tables/SYNCPAR/NOBODY")).status).toBe(404);
  });

  test("a row can be deleted as in its X3 function, and is then not found", async () => {
    const del = (key: string) => callEmulator(emulator, folder, "DELETE", `/__emulator/tables/SYNCPAR/${key}`);
    expect((await del("MCLARK")).status).toBe(204);
    expect((await api("GET", DETAILS("MCLARK"))).status).toBe(404);
    expect((await del("MCLARK")).status).toBe(404);
  });

  test("without testHooks the routes do not exist", async () => {
    const bare = await startTestEmulator(folder, { testHooks: false });
    try {
      const res = await callEmulator(bare, folder, "POST", "/__emulator/faults", { body: { kind: "unavailable" } });
      expect(res.status).toBe(404);
      expect(bare.app.x3Emulator.faults.current().fault).toBeNull();
    } finally {
      await bare.close();
    }
  });
});

describe("data file", () => {
  test("changes survive a restart; the file is replaced atomically", async () => {
    const dataFile = join(folder.dir, "demo", "x3-emulator.json");
    const first = await startTestEmulator(folder, { dataFile });
    const gateway = testGateway(first.url, folder);
    let etag: string | null = null;
    try {
      etag = (await gateway.writeSyncpar("JSMITH", { ...allFlags(false), BAPOTKCRE: true })).etag;
      await callEmulator(first, folder, "PUT", "/__emulator/tables/AUTILIS/NEWUSER", { body: { INTUSR: "New User" } });
    } finally {
      await gateway.close();
      await first.close();
    }
    expect((await readdir(join(folder.dir, "demo"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(JSON.parse(await readFile(dataFile, "utf8"))).toMatchObject({ format: "x3-emulator/1" });

    const second = await startTestEmulator(folder, { dataFile });
    const again = testGateway(second.url, folder);
    try {
      const row = await again.readSyncpar("JSMITH");
      expect(row?.flags.BAPOTKCRE).toBe(true);
      expect(row?.etag).toBe(etag);
      expect((await again.getUser("NEWUSER"))?.name).toBe("New User");
      // A later write still gets a fresh tag: the counter was restored too.
      const next = await again.writeSyncpar("JSMITH", allFlags(false));
      expect(next.etag).not.toBe(etag);
    } finally {
      await again.close();
      await second.close();
    }
  });

  test("a file that is not an emulator data file stops the start with a clear error", async () => {
    const dataFile = join(folder.dir, "broken.json");
    await writeFile(dataFile, JSON.stringify({ tables: [] }));
    await expect(createX3Emulator({ tls: folder.tls, dataFile })).rejects.toThrow(/not an emulator data file/);
  });
});
