/** A changed manifest must carry a Version above the last released one (build-tools/released-manifest.json). */
import fs from "node:fs";
import path from "node:path";
import { compareVersions, manifestFingerprint, releaseIssue, type ReleasedManifest } from "../../build-tools/manifest";
import { devXml, projectRoot, replaceOnce } from "./manifestFixtures";

const released = JSON.parse(
  fs.readFileSync(path.join(projectRoot, "build-tools", "released-manifest.json"), "utf8"),
) as ReleasedManifest;

describe("manifest.xml against the last release", () => {
  it("has a bigger Version whenever it changed", () => {
    // On failure the received value says what to do: bump <Version> and record the release.
    expect(releaseIssue(devXml, released)).toBeNull();
  });
});

describe("releaseIssue", () => {
  const base = devXml;
  const baseRelease: ReleasedManifest = { version: "1.0.0.0", sha256: manifestFingerprint(replaceOnce(base, /<Version>[^<]*<\/Version>/, "<Version>1.0.0.0</Version>")) };
  const withVersion = (xml: string, version: string) => replaceOnce(xml, /<Version>[^<]*<\/Version>/, `<Version>${version}</Version>`);
  const changed = replaceOnce(base, '<RequestedHeight>450</RequestedHeight>', '<RequestedHeight>500</RequestedHeight>');

  it("accepts the released manifest unchanged", () => {
    expect(releaseIssue(withVersion(base, "1.0.0.0"), baseRelease)).toBeNull();
  });

  it("refuses a change without a Version bump, saying how to fix it", () => {
    expect(releaseIssue(withVersion(changed, "1.0.0.0"), baseRelease)).toMatch(
      /bump <Version> in manifest.xml and update build-tools\/released-manifest.json/,
    );
  });

  it("accepts a change with a bigger Version", () => {
    expect(releaseIssue(withVersion(changed, "1.0.0.1"), baseRelease)).toBeNull();
    expect(releaseIssue(withVersion(changed, "1.1"), baseRelease)).toBeNull();
  });

  it("refuses a Version that went down", () => {
    expect(releaseIssue(withVersion(changed, "0.9.9.9"), baseRelease)).toMatch(/bump <Version>/);
    expect(releaseIssue(withVersion(base, "0.9"), baseRelease)).toMatch(/below the released 1.0.0.0/);
  });

  it("fingerprints ignore the Version and line endings but nothing else", () => {
    expect(manifestFingerprint(withVersion(base, "2.0"))).toBe(manifestFingerprint(withVersion(base, "1.0.0.0")));
    expect(manifestFingerprint(base.replace(/\n/g, "\r\n"))).toBe(manifestFingerprint(base));
    expect(manifestFingerprint(changed)).not.toBe(manifestFingerprint(base));
  });

  it("compares versions part by part, numerically", () => {
    expect(compareVersions("1.0.0.10", "1.0.0.9")).toBeGreaterThan(0);
    expect(compareVersions("1.0", "1.0.0.0")).toBe(0);
    expect(compareVersions("1.2", "1.10")).toBeLessThan(0);
  });
});
