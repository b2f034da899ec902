"use strict";
/**
 * `npm audit --omit=dev`: the packages the server ships with must have no high or critical advisory.
 * CI runs this and fails on one.
 *
 * Plain CommonJS with no dependencies. CLI: node build-tools/audit.js [--strict]
 * Exit codes: 0 audited and clean (low and moderate advisories are listed, not fatal), or the audit
 * could not be run (see below); 1 a high or critical advisory; 2 the audit could not be run, with
 * --strict (or AUDIT_STRICT=1).
 *
 * When the registry's audit endpoint cannot be reached or refuses (a mirror or proxy that does not
 * implement POST /-/npm/v1/security/advisories/bulk answers 405, as the build machines here do), nothing
 * is known about the advisories either way. The default is to pass with a loud NOT AUDITED notice: the
 * endpoint's absence is a property of the machine, not of the code, and a check that fails every build
 * for it gets switched off, which protects nothing. A pipeline that can reach the public registry
 * should pass --strict, so that a refused audit can never pass for a clean one. An output that cannot
 * be read at all is treated the same way: not audited.
 */
const childProcess = require("node:child_process");
const path = require("node:path");

const FATAL = ["critical", "high"];
const SEVERITIES = ["critical", "high", "moderate", "low", "info"];

/**
 * What to do with `npm audit --json`'s output.
 * @param {string} stdout npm's standard output
 * @param {{ strict?: boolean }} [options]
 * @returns {{ outcome: "clean" | "vulnerable" | "unaudited", exitCode: number, lines: string[] }}
 */
function decide(stdout, options = {}) {
  const strict = options.strict === true;
  const unaudited = (reason) => ({
    outcome: "unaudited",
    exitCode: strict ? 2 : 0,
    lines: [
      `NOT AUDITED: ${reason}`,
      strict
        ? "The audit is required (--strict): failing."
        : "Nothing is known about the production dependencies' advisories; run `npm audit --omit=dev` where the registry's audit endpoint answers, or pass --strict to fail instead.",
    ],
  });

  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    return unaudited(`npm audit's output is not JSON (${JSON.stringify(String(stdout).trim().slice(0, 120))})`);
  }
  if (!report || typeof report !== "object") return unaudited("npm audit's output is empty");

  const counts = report.metadata && report.metadata.vulnerabilities;
  if (!counts || typeof counts !== "object") {
    // npm reports a failed audit request as { message, statusCode?, code?, error: { summary, detail } }.
    const why = report.message || (report.error && (report.error.summary || report.error.detail)) || report.code || "no advisory report";
    const status = report.statusCode ? ` (HTTP ${report.statusCode})` : report.code ? ` (${report.code})` : "";
    return unaudited(`the registry's audit endpoint could not be used${status}: ${String(why).trim()}`);
  }

  const vulnerabilities = report.vulnerabilities && typeof report.vulnerabilities === "object" ? Object.values(report.vulnerabilities) : [];
  const bySeverity = (severity) =>
    vulnerabilities
      .filter((v) => v && v.severity === severity)
      .map((v) => `  ${severity}: ${v.name}${v.range ? ` ${v.range}` : ""}${describeVia(v.via)}${v.fixAvailable ? " (a fix is available)" : ""}`);
  const fatal = FATAL.reduce((n, s) => n + (Number(counts[s]) || 0), 0);
  const summary = SEVERITIES.map((s) => `${Number(counts[s]) || 0} ${s}`).join(", ");
  const lines = [`npm audit --omit=dev: ${summary}.`, ...SEVERITIES.flatMap(bySeverity)];
  if (fatal > 0) return { outcome: "vulnerable", exitCode: 1, lines: [...lines, `${fatal} high or critical advisory(ies) in the production dependencies: failing.`] };
  return { outcome: "clean", exitCode: 0, lines };
}

/** "via" lists advisories (objects with a title) or the names of the dependencies that bring one in. */
function describeVia(via) {
  if (!Array.isArray(via) || via.length === 0) return "";
  const parts = via.map((v) => (typeof v === "string" ? `through ${v}` : v && v.title ? `${v.title}${v.url ? ` <${v.url}>` : ""}` : "")).filter(Boolean);
  return parts.length ? ` — ${parts.join("; ")}` : "";
}

function main() {
  const strict = process.argv.includes("--strict") || process.env.AUDIT_STRICT === "1";
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = childProcess.spawnSync(npm, ["audit", "--omit=dev", "--json"], {
    cwd: path.join(__dirname, ".."),
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = run.error ? JSON.stringify({ message: run.error.message, code: run.error.code }) : run.stdout;
  const verdict = decide(stdout, { strict });
  const write = verdict.exitCode === 0 && verdict.outcome === "clean" ? process.stdout : process.stderr;
  write.write(`${verdict.lines.join("\n")}\n`);
  process.exitCode = verdict.exitCode;
}

if (require.main === module) main();

module.exports = { decide };
