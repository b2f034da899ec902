/**
 * `/__emulator/faults` on SOAP calls (as on api1, plus noWebServiceChildren and locked), the SOAP
 * call counts, and the pool model (K children, N ms per call) measured by overlapping calls.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import type { RunningX3Emulator } from "../../../src/x3/emulator";
import { SOAP_PATH } from "../../../src/x3/emulator/soap/routes";
import type { FaultInput } from "../../../src/x3/emulator/faults";
import { BASIC_ADMIN, callEmulator, emulatorSuite, type TestFolder } from "../fixture";
import { call, operation, param, post } from "./soapFixture";

let folder: TestFolder;
let emulator: RunningX3Emulator;
emulatorSuite((suite) => ({ folder, emulator } = suite));

const hook = (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) =>
  callEmulator(emulator, folder, method, path, body === undefined ? {} : { body });
const fault = async (f: FaultInput) => expect((await hook("POST", "/__emulator/faults", f)).status).toBe(200);
const read = (lang = "ENG") => call(emulator, folder, { op: "read", lang, keys: { SYPUSR: "LDUPONT" } });
const modify = (lang = "ENG", value = "2") =>
  call(emulator, folder, { op: "modify", lang, keys: { SYPUSR: "LDUPONT" }, objectXml: param({ SYP1_1: { TSKADXCRE: value } }) });

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}

describe("faults on SOAP calls", () => {
  test("unavailable: a proxy's 503, not SOAP", async () => {
    await fault({ kind: "unavailable", count: 1 });
    const res = await post(emulator, folder, operation({ op: "read", keys: { SYPUSR: "LDUPONT" } }));
    expect(res).toEqual({ http: 503, body: "Service Unavailable" });
    expect((await read()).status).toBe(1);
  });

  test("reset: the connection drops", async () => {
    await fault({ kind: "reset", count: 1 });
    await expect(read()).rejects.toThrow();
    expect((await read()).status).toBe(1);
  });

  test("latency: the answer comes late, whole", async () => {
    await fault({ kind: "latency", ms: 300, count: 1 });
    const started = Date.now();
    expect((await read()).status).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test("diagnoses: status 0 with the message as a type-3 message", async () => {
    await fault({ kind: "diagnoses", message: "Licence exhausted", count: 1 });
    const answer = await read();
    expect([answer.http, answer.status, answer.resultXml]).toEqual([200, 0, undefined]);
    expect(answer.messages).toEqual([{ type: "3", message: "Licence exhausted" }]);
  });

  test("noWebServiceChildren: HTTP 500 'No Web services accepted' for `count` calls, api1 untouched", async () => {
    await fault({ kind: "noWebServiceChildren", count: 2 });
    const details = "/api1/x3/erp/SEED/SYNCPAR('LDUPONT')?representation=SYNCPAR.$details";
    const api1 = await callEmulator(emulator, folder, "GET", details, { headers: BASIC_ADMIN });
    expect(api1.status).toBe(200);
    for (let i = 0; i < 2; i += 1) {
      const res = await post(emulator, folder, operation({ op: "read", keys: { SYPUSR: "LDUPONT" } }));
      expect(res.http).toBe(500);
      expect(res.body).toContain("<faultstring>No Web services accepted</faultstring>");
    }
    expect((await read()).status).toBe(1);
  });

  test("locked: writes refused in the call's language, reads pass and do not use the fault up", async () => {
    await fault({ kind: "locked", count: 2 });
    expect((await read()).status).toBe(1);
    const before = emulator.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")?.etag;
    expect((await modify("ENG")).messages).toEqual([{ type: "3", message: "Locked record" }]);
    expect((await modify("FRA")).messages).toEqual([{ type: "3", message: "Fiche en cours de modification" }]);
    expect(emulator.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")?.etag).toBe(before);
    expect((await modify()).status).toBe(1);
  });

  test("locked with `after`: the first write goes through, the next is refused; api1 writes count too", async () => {
    await fault({ kind: "locked", after: 1, count: 1 });
    expect((await modify("ENG", "1")).status).toBe(1);
    const api1 = await callEmulator(emulator, folder, "PUT", "/api1/x3/erp/SEED/SYNCPAR('LDUPONT')?representation=SYNCPAR.$edit", {
      headers: BASIC_ADMIN,
      body: { TSKADXCRE: 2 },
    });
    expect(api1.json).toEqual({ $diagnoses: [{ $severity: "error", $message: "Locked record" }] });
    expect((await modify("ENG", "2")).status).toBe(1);
  });
});

describe("call counts", () => {
  test("answered calls per operation, publication and status; refusals and api1 not counted", async () => {
    expect((await hook("DELETE", "/__emulator/calls")).status).toBe(204);
    const api1Before = (await hook("GET", "/__emulator/requests")).json;
    await read();
    await call(emulator, folder, { op: "read", keys: { SYPUSR: "NOBODY" } });
    await modify();
    await call(emulator, folder, { op: "query", publicName: "YAUS", listSize: 10 });
    await post(emulator, folder, operation({ op: "read", keys: { SYPUSR: "LDUPONT" } }), { "content-type": "text/xml" }); // 401
    await post(emulator, folder, "<broken"); // SOAP Fault
    expect((await hook("GET", "/__emulator/calls")).json).toEqual({
      total: 4,
      byOperation: { read: 2, modify: 1, query: 1 },
      byPublication: { YSYP: { read: 2, modify: 1 }, YAUS: { query: 1 } },
      byStatus: { "1": 3, "0": 1 },
    });
    expect((await hook("GET", "/__emulator/requests")).json).toEqual(api1Before);
  });
});

describe("the pool model", () => {
  afterEach(async () => {
    await hook("POST", "/__emulator/pool", { children: 64, callMs: 0 });
  });

  /** Runs `n` reads at once, sampling how many the pool serves at a time. */
  async function burst(n: number): Promise<{ ms: number; maxBusy: number; maxWaiting: number; statuses: (number | undefined)[] }> {
    let maxBusy = 0;
    let maxWaiting = 0;
    const sampler = setInterval(() => {
      const state = emulator.app.x3Emulator.soapPool.state();
      maxBusy = Math.max(maxBusy, state.busy);
      maxWaiting = Math.max(maxWaiting, state.waiting);
    }, 5);
    const started = Date.now();
    try {
      const answers = await Promise.all(Array.from({ length: n }, () => read()));
      return { ms: Date.now() - started, maxBusy, maxWaiting, statuses: answers.map((a) => a.status) };
    } finally {
      clearInterval(sampler);
    }
  }

  test("2 children at 150 ms: at most 2 calls at once, the others wait their turn", async () => {
    const set = await hook("POST", "/__emulator/pool", { children: 2, callMs: 150 });
    expect(set.json).toMatchObject({ children: 2, callMs: 150, busy: 0, waiting: 0 });
    const result = await burst(6);
    expect(result.statuses).toEqual([1, 1, 1, 1, 1, 1]);
    expect(result.maxBusy).toBe(2);
    expect(result.maxWaiting).toBeGreaterThanOrEqual(3);
    // Three rounds of two at least; "not one at a time" is maxBusy above (a wall-clock upper bound was noise).
    expect(result.ms).toBeGreaterThanOrEqual(3 * 150 - 10);
  });

  test("1 child: one call at a time", async () => {
    await hook("POST", "/__emulator/pool", { children: 1, callMs: 100 });
    const result = await burst(3);
    expect(result.maxBusy).toBe(1);
    expect(result.ms).toBeGreaterThanOrEqual(3 * 100 - 10);
  });

  test("a call whose client leaves while it waits gives up its turn", async () => {
    await hook("POST", "/__emulator/pool", { children: 1, callMs: 200 });
    const first = read();
    await until(() => emulator.app.x3Emulator.soapPool.state().busy === 1);
    const agent = new Agent({ connect: { ca: folder.tls.ca } });
    const abort = new AbortController();
    const leaving = request(`${emulator.url}${SOAP_PATH}`, {
      method: "POST",
      headers: { ...BASIC_ADMIN, "content-type": "text/xml" },
      body: operation({ op: "read", keys: { SYPUSR: "LDUPONT" } }),
      dispatcher: agent,
      signal: abort.signal,
    });
    await until(() => emulator.app.x3Emulator.soapPool.state().waiting === 1);
    abort.abort();
    await expect(leaving).rejects.toThrow();
    await agent.close();
    await until(() => emulator.app.x3Emulator.soapPool.state().waiting === 0);
    expect((await first).status).toBe(1);
    expect((await read()).status).toBe(1);
    expect(emulator.app.x3Emulator.soapPool.state()).toMatchObject({ busy: 0, waiting: 0 });
  });

  test("0 children: the host accepts no web service", async () => {
    await hook("POST", "/__emulator/pool", { children: 0, callMs: 0 });
    const res = await post(emulator, folder, operation({ op: "read", keys: { SYPUSR: "LDUPONT" } }));
    expect(res.http).toBe(500);
    expect(res.body).toContain("No Web services accepted");
  });

  test("a malformed model is refused", async () => {
    for (const body of [{ children: -1, callMs: 0 }, { children: 2 }, { children: 2, callMs: 10, extra: 1 }]) {
      expect((await hook("POST", "/__emulator/pool", body)).status).toBe(400);
    }
  });
});
