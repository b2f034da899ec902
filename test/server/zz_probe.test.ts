import { startHarness } from "/work/main/test/server/harness";
it("size", async () => {
  const h = await startHarness();
  const t = await h.token("jsmith@contoso.com");
  for (const u of ["/api/v1/setups/JSMITH", "/api/v1/dev/users", "/api/v1/me"]) {
    const r = await h.app.inject({ url: u, headers: { authorization: `Bearer ${t}`, "accept-encoding": "gzip" } });
    console.log(u, r.statusCode, r.rawPayload.length, r.headers["content-encoding"], r.headers.vary);
  }
  await h.close();
});
