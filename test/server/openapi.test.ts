import { API_ROUTES } from "../../src/server/openapi";
import { type Harness, startHarness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("the OpenAPI document", () => {
  it("describes every API route the server registers, and nothing it does not", async () => {
    const api = h.app.registeredRoutes
      .filter((r) => /^(GET|PUT|POST|DELETE|PATCH) \/(api|healthz|readyz)/.test(r))
      .map((r) => r.replace(/:(\w+)/g, "{$1}"));
    const documented = API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect([...new Set(api)].sort()).toEqual([...documented].sort());
  });

  it("is served as OpenAPI 3.1 with the request and response schemas", async () => {
    const res = await h.app.inject("/api/v1/openapi.json");
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    const put = doc.paths["/api/v1/setups/{userCode}"].put;
    const flags = put.requestBody.content["application/json"].schema.properties.flags;
    expect(Object.keys(flags.properties)).toHaveLength(23);
    expect(flags.additionalProperties).toBe(false);
    expect(flags.properties.CLLADXCRE).toBeUndefined();
    expect(put.parameters.map((p: { name: string }) => p.name)).toEqual(["userCode", "If-Match"]);
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "412", "413", "428"]));
    expect(doc.paths["/api/v1/users"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["page", "pageSize", "search"]);
  });
});
