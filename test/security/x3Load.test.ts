/**
 * The load test of issue 22: what outsiders and signed-in strangers can make the server ask X3, counted at
 * the X3 emulator (api1 requests and SOAP calls), with X3 reached the default way (SOAP) and through api1
 * classes (REST, where every mailbox lookup is a query). 200 concurrent `/readyz` and 200 requests from a
 * mailbox no X3 user has must cost X3 a handful of calls, not one or more each.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { loadConfig } from "../../src/server/config";
import { startAddinServer, type RunningAddinServer } from "../../src/server/server";
import type { RequestCounts } from "../../src/x3/emulator/testHooks";

/** "A handful": one readiness probe and one mailbox lookup, each retried by the gateway at most twice. */
const HANDFUL = 6;

describe.each(["rest", "soap"] as const)("X3 calls under load, X3_PROTOCOL=%s", (protocol) => {
  let dir: string;
  let server: RunningAddinServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `x3-load-${protocol}-`));
    const config = loadConfig({ PORT: "0", X3_EMULATOR_PORT: "0", DATA_DIR: dir, STATIC_DIR: join(dir, "no-dist"), X3_PROTOCOL: protocol, LOG_LEVEL: "silent" }, dir);
    server = await startAddinServer(config, { logger: false, officeCertsFolder: null });
    // The directory of X3 users (SOAP) is filled at start: that listing is not what is measured.
    await server.x3.directory?.refresh();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function x3Calls(): Promise<number> {
    const emulator = server.emulator!.app;
    const api1 = (await emulator.inject("/__emulator/requests")).json<RequestCounts>().total;
    const soap = (await emulator.inject("/__emulator/calls")).json<{ total: number }>().total;
    return api1 + soap;
  }

  const tally = (answers: LightMyRequestResponse[]) => {
    const counts: Record<number, number> = {};
    for (const a of answers) counts[a.statusCode] = (counts[a.statusCode] ?? 0) + 1;
    return counts;
  };

  it("200 concurrent /readyz and 200 requests from a mailbox with no X3 user cost a handful of X3 calls", async () => {
    const token = (await server.app.inject({ method: "POST", url: "/api/v1/dev/token", payload: { email: "guest@fabrikam.com" } })).json<{ access_token: string }>().access_token;
    // The emulator counts X3's own routes only (api1, SOAP), not the /__emulator ones that read the counts.
    const before = await x3Calls();
    const answers = await Promise.all([
      ...Array.from({ length: 200 }, () => server.app.inject("/readyz")),
      ...Array.from({ length: 200 }, () => server.app.inject({ url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } })),
    ]);
    expect(tally(answers.slice(0, 200))).toEqual({ 200: 200 });
    expect(tally(answers.slice(200))).toEqual({ 403: 200 });
    expect(answers[200]!.json()).toMatchObject({ code: "no-x3-user" });
    const spent = (await x3Calls()) - before;
    process.stdout.write(`X3_PROTOCOL=${protocol}: ${spent} X3 calls for 400 requests\n`);
    expect(spent).toBeLessThanOrEqual(HANDFUL);
  }, 60_000);
});
