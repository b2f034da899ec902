/**
 * Two server replicas on one PostgreSQL database, one X3: no lost update, and every user's SYNCPAR ends
 * at their last accepted version while both replicas' outbox workers deliver at once.
 * Required in CI; skipped with a notice elsewhere when no PostgreSQL answers.
 */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { mergeFlags } from "../../src/core/merge";
import type { SyncSetup } from "../../src/core/setup";
import { buildApp } from "../../src/server/app";
import { DevTokenIssuer } from "../../src/server/auth/tokens";
import { loadConfig } from "../../src/server/config";
import type { OpenedDatabase } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import type { X3Gateway } from "../../src/x3/gateway";
import { startTestEmulator, testFolder, testGateway, type TestFolder } from "../x3/fixture";
import { postgresAvailable, postgresDatabase, type TestDatabase } from "./databases";
import { bearer, flagsWith } from "./harness";

jest.setTimeout(60_000);

describe("two replicas on one PostgreSQL", () => {
  let pg: TestDatabase;
  let folder: TestFolder;
  let emulator: RunningX3Emulator;
  const replicas: { app: FastifyInstance; db: OpenedDatabase; gateway: X3Gateway }[] = [];
  const issuer = new DevTokenIssuer("replicas-share-this-secret-0123456789");
  let ready = false;

  beforeAll(async () => {
    ready = await postgresAvailable();
    if (!ready) return;
    pg = await postgresDatabase();
    folder = await testFolder();
    emulator = await startTestEmulator(folder, { testHooks: true });
    for (let i = 0; i < 2; i++) {
      const db = await pg.open();
      const gateway = testGateway(emulator.url, folder, { responseTimeoutMs: 3000 });
      const config = loadConfig({ DATA_DIR: folder.dir, STATIC_DIR: join(folder.dir, "none"), LOG_LEVEL: "silent" }, folder.dir);
      const app = await buildApp({
        config,
        store: new SetupStore(db.db, db.dialect),
        x3: gateway,
        verifier: issuer,
        devIssuer: issuer,
        logger: false,
        outbox: { pollMs: 20, baseDelayMs: 20, maxDelayMs: 200, concurrency: 4 },
        // Saves answer at once; only the two workers deliver, racing each other.
        deliveryBudgetMs: 0,
      });
      replicas.push({ app, db, gateway });
    }
  });

  afterAll(async () => {
    for (const r of replicas) {
      await r.app.close();
      await r.gateway.close();
      await r.db.close();
    }
    await emulator?.close();
    await folder?.remove();
    await pg?.drop();
  });

  const put = (replica: number, token: string, user: string, version: number, flags: SyncSetup["flags"]) =>
    replicas[replica]!.app.inject({
      method: "PUT",
      url: `/api/v1/setups/${user}`,
      headers: { ...bearer(token), "if-match": `"${version}"` },
      payload: { flags },
    });

  it("loses no update when a user and the administrator save the same setup at once on different replicas", async () => {
    if (!ready) return;
    const user = await issuer.issue("jsmith@contoso.com");
    const admin = await issuer.issue("admin@contoso.com");
    const base = flagsWith({});
    const mine = flagsWith({ COROTKCRE: true });
    const theirs = flagsWith({ BAPADXDLT: true });
    const [a, b] = await Promise.all([put(0, user, "JSMITH", 0, mine), put(1, admin, "JSMITH", 0, theirs)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
    // The loser does what the pane does: merge per flag against what it started from, and save again.
    const [loser, loserToken, loserFlags, replica] = a.statusCode === 412 ? [a, user, mine, 0] : [b, admin, theirs, 1];
    const current = loser.json().current as SyncSetup;
    const { merged, conflicts } = mergeFlags(base, loserFlags, current.flags);
    expect(conflicts).toEqual([]);
    const retried = await put(replica, loserToken, "JSMITH", current.version, merged);
    expect(retried.statusCode).toBe(200);
    expect(retried.json().flags).toMatchObject({ COROTKCRE: true, BAPADXDLT: true });
  });

  it("delivers every user's last version, in order, with both replicas' workers racing", async () => {
    if (!ready) return;
    const users = [
      ["LDUPONT", "ldupont@contoso.com"],
      ["MCLARK", "mclark@contoso.com"],
      ["ADMIN", "admin@contoso.com"],
    ] as const;
    const admin = await issuer.issue("admin@contoso.com");
    const last: Record<string, SyncSetup["flags"]> = {};
    for (const r of replicas) r.app.outbox.start();
    await Promise.all(
      users.map(async ([code]) => {
        let version = (await replicas[0]!.app.inject({ url: `/api/v1/setups/${code}`, headers: bearer(admin) })).json().version as number;
        for (let i = 0; i < 12; i++) {
          const flags = flagsWith({ COROTKCRE: i % 2 === 0, TSKOTKUPD: i % 3 === 0, BAPADXCRE: i === 11 });
          const res = await put(i % 2, admin, code, version, flags);
          expect(res.statusCode).toBe(200);
          version = res.json().version;
          last[code] = flags;
        }
      }),
    );
    const deadline = Date.now() + 20_000;
    for (;;) {
      const states = await replicas[0]!.db.db.selectFrom("outbox").select(["user_code", "state"]).execute();
      if (states.every((s) => s.state === "delivered" || s.state === "superseded")) break;
      if (Date.now() > deadline) throw new Error(`not delivered: ${JSON.stringify(states.filter((s) => s.state === "pending"))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const [code] of users) {
      const row = emulator.app.x3Emulator.store.get("SYNCPAR", code)!.values;
      expect({ code, COROTKCRE: row.COROTKCRE, TSKOTKUPD: row.TSKOTKUPD, BAPADXCRE: row.BAPADXCRE }).toEqual({
        code,
        COROTKCRE: last[code]!.COROTKCRE ? 2 : 1,
        TSKOTKUPD: last[code]!.TSKOTKUPD ? 2 : 1,
        BAPADXCRE: last[code]!.BAPADXCRE ? 2 : 1,
      });
    }
    const failed = await replicas[0]!.db.db.selectFrom("outbox").select("id").where("state", "=", "failed").execute();
    expect(failed).toEqual([]);
  });
});
