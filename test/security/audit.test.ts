/**
 * build-tools/audit.js's verdict on `npm audit --omit=dev --json` outputs: the one this machine's registry
 * gives (recorded: 405 on the bulk advisory endpoint), and reports in npm's format (auditReportVersion 2).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const { decide } = require("../../build-tools/audit.js") as {
  decide(stdout: string, options?: { strict?: boolean }): { outcome: string; exitCode: number; lines: string[] };
};

const RECORDED_405 = readFileSync(join(__dirname, "fixtures", "npm-audit-405.json"), "utf8");

function report(counts: Partial<Record<"info" | "low" | "moderate" | "high" | "critical", number>>, vulnerabilities: Record<string, unknown> = {}): string {
  const all = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts };
  const total = Object.values(all).reduce((a, b) => a + b, 0);
  return JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { ...all, total }, dependencies: { prod: 180, dev: 0, optional: 3, peer: 0, peerOptional: 0, total: 180 } },
  });
}

const advisory = (name: string, severity: string, title: string) => ({
  name,
  severity,
  isDirect: false,
  via: [{ source: 1099999, name, dependency: name, title, url: `https://github.com/advisories/GHSA-xxxx-${name}`, severity, range: "<1.2.3" }],
  effects: [],
  range: "<1.2.3",
  nodes: [`node_modules/${name}`],
  fixAvailable: true,
});

describe("build-tools/audit.js", () => {
  it("passes a clean report", () => {
    expect(decide(report({}))).toMatchObject({ outcome: "clean", exitCode: 0 });
  });

  it("passes low and moderate advisories, listing them", () => {
    const verdict = decide(report({ moderate: 1, low: 1 }, { "some-lib": advisory("some-lib", "moderate", "ReDoS in some-lib") }));
    expect(verdict).toMatchObject({ outcome: "clean", exitCode: 0 });
    expect(verdict.lines.join("\n")).toMatch(/moderate: some-lib <1\.2\.3 — ReDoS in some-lib/);
  });

  it.each(["high", "critical"] as const)("fails on a %s advisory, naming the package and the advisory", (severity) => {
    const verdict = decide(report({ [severity]: 1, low: 2 }, { "bad-lib": advisory("bad-lib", severity, "Prototype pollution in bad-lib") }));
    expect(verdict).toMatchObject({ outcome: "vulnerable", exitCode: 1 });
    expect(verdict.lines.join("\n")).toMatch(new RegExp(`${severity}: bad-lib .*Prototype pollution.*GHSA-xxxx-bad-lib.*a fix is available`));
    // Strict or not: a finding always fails.
    expect(decide(report({ [severity]: 1 }), { strict: true }).exitCode).toBe(1);
  });

  it("says NOT AUDITED when the registry refuses the audit (this machine's 405), and fails only when strict", () => {
    const verdict = decide(RECORDED_405);
    expect(verdict).toMatchObject({ outcome: "unaudited", exitCode: 0 });
    expect(verdict.lines[0]).toMatch(/^NOT AUDITED: .*HTTP 405.*advisories\/bulk/);
    expect(decide(RECORDED_405, { strict: true })).toMatchObject({ outcome: "unaudited", exitCode: 2 });
  });

  it("treats an unreachable registry and an unreadable output as not audited, never as clean", () => {
    const offline = JSON.stringify({
      error: { code: "ENOTFOUND", summary: "request to https://registry.npmjs.org/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org", detail: "" },
    });
    for (const stdout of [offline, "", "npm ERR! something went wrong", "null", JSON.stringify({ spawn: "ETIMEDOUT", code: "ETIMEDOUT", message: "spawnSync npm ETIMEDOUT" })]) {
      expect({ stdout, outcome: decide(stdout).outcome, strict: decide(stdout, { strict: true }).exitCode }).toEqual({ stdout, outcome: "unaudited", strict: 2 });
    }
    expect(decide(offline).lines[0]).toMatch(/ENOTFOUND/);
  });
});
