/** The server's logs carry the request id and the X3 user code, and never a token, a password or a secret. */
import { Writable } from "node:stream";
import { bearer, flagsWith, startHarness } from "./harness";

describe("logs", () => {
  it("never hold a token, a password or a secret, and tie each line to its request and X3 user", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    });
    const h = await startHarness({ logger: { level: "trace", stream } });
    try {
      const tokenRes = await h.app.inject({ method: "POST", url: "/api/v1/dev/token", payload: { email: "jsmith@contoso.com" } });
      const token = tokenRes.json().access_token as string;
      await h.app.inject({ url: "/api/v1/me", headers: bearer(token) });
      await h.app.inject({ method: "PUT", url: "/api/v1/setups/JSMITH", headers: { ...bearer(token), "if-match": '"0"' }, payload: { flags: flagsWith({ COROTKCRE: true }) } });
      await h.app.inject({ url: "/api/v1/me", headers: { authorization: `Bearer ${token}x` } });
      h.emulator.app.x3Emulator.faults.set({ kind: "diagnoses", count: null, message: "Locked" });
      await h.app.inject({ method: "PUT", url: "/api/v1/setups/JSMITH", headers: { ...bearer(token), "if-match": '"1"' }, payload: { flags: flagsWith({}) } });

      const all = lines.join("\n");
      expect(lines.length).toBeGreaterThan(5);
      for (const secret of [token, token.split(".")[2]!, "test-secret-of-sufficient-length", Buffer.from("admin:admin").toString("base64"), '"password"']) {
        expect(all).not.toContain(secret);
      }
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const requestLines = entries.filter((e) => e["req"] || e["res"]);
      expect(requestLines.length).toBeGreaterThan(0);
      expect(requestLines.every((e) => typeof e["reqId"] === "string")).toBe(true);
      const completed = entries.filter((e) => e["msg"] === "request completed" && e["x3User"] === "JSMITH");
      expect(completed.length).toBeGreaterThanOrEqual(2);
      // One line per request, on completion, saying what was asked, by whom, the outcome and the time.
      const requestIds = new Set(requestLines.map((e) => e["reqId"]));
      expect(requestLines.length).toBe(requestIds.size);
      expect(requestIds.size).toBe(5);
      expect(entries.some((e) => e["msg"] === "incoming request")).toBe(false);
      for (const e of requestLines) {
        expect(e).toMatchObject({ req: { method: expect.any(String), url: expect.stringMatching(/^\/api\/v1\//) }, res: { statusCode: expect.any(Number) }, responseTime: expect.any(Number) });
      }
      const refused = entries.find((e) => e["msg"] === "X3 refused the delivery");
      expect(refused).toMatchObject({ x3User: "JSMITH", version: 2, reason: expect.stringContaining("Locked") });
    } finally {
      await h.close();
    }
  });
});
