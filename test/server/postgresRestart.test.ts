/** A PostgreSQL connection ended while idle in the pool (restart, failover, administrator) must not end the server. */
import { Client } from "pg";
import { openPostgres } from "../../src/server/store/database";
import { SetupStore } from "../../src/server/store/setupStore";
import { POSTGRES_URL, postgresAvailable, postgresDatabase } from "./databases";

describe("PostgreSQL ending the pool's idle connections", () => {
  it("is survived: the next query gets a fresh connection", async () => {
    if (!(await postgresAvailable())) return;
    const database = await postgresDatabase();
    // Named, so that only this pool's connections are ended (other tests run beside this one).
    const name = `restart_${Math.random().toString(36).slice(2, 10)}`;
    const opened = await openPostgres(`${database.url!}&application_name=${name}`, 2);
    const store = new SetupStore(opened.db, opened.dialect);
    try {
      await store.policy();
      const admin = new Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        const ended = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [name]);
        expect(ended.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      // Give the pool the moment it takes to hear of it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await store.policy()).version).toBe(0);
    } finally {
      await opened.close();
      await database.drop();
    }
  });
});
