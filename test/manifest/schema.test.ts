/**
 * manifest.xml against Microsoft's XML schemas for add-in manifests, with xmllint --nonet. The
 * schemas are read from ../shared/schemas/office-addin-manifest beside the project, never copied.
 */
import fs from "node:fs";
import path from "node:path";
import { productionManifest, validateWithSchema } from "../../build-tools/manifest";
import {
  devXml, inCI, manifestPath, PRODUCTION_URL, replaceOnce, schemasDir, schemasPresent, tempDir, validateXml,
  xmllintInstalled,
} from "./manifestFixtures";

const runnable = xmllintInstalled && schemasPresent;

if (!runnable) {
  console.warn(
    `Manifest schema validation skipped: ${!xmllintInstalled ? "xmllint is not installed (apt-get install libxml2-utils)" : `no schemas in ${schemasDir}`}.`,
  );
}

describe("schema validation prerequisites", () => {
  // In CI a missing xmllint would silently turn schema validation off: fail instead.
  (inCI ? it : it.skip)("has xmllint in CI", () => {
    if (!xmllintInstalled) throw new Error("xmllint is not installed; CI must install libxml2-utils (see .ci/run)");
  });

  it("reports a skip, not a pass, when the schemas folder is absent", () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const empty = tempDir();
    try {
      const result = validateWithSchema(manifestPath, path.join(empty, "no-schemas-here"));
      expect(result).toEqual({ skipped: expect.stringContaining("schema validation skipped"), missing: "schemas" });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("schema validation skipped"));
    } finally {
      warn.mockRestore();
      fs.rmSync(empty, { recursive: true });
    }
  });
});

(runnable ? describe : describe.skip)("schema validation with xmllint", () => {
  const validate = validateXml;

  it("accepts the development manifest", () => {
    expect(validateWithSchema(manifestPath, schemasDir)).toEqual({ ok: true, output: expect.stringContaining("validates") });
  });

  it("accepts the production manifest", () => {
    expect(validate(productionManifest(devXml, PRODUCTION_URL))).toEqual({ ok: true, output: expect.stringContaining("validates") });
  });

  it("rejects a misordered element", () => {
    const providerLine = "  <ProviderName>X3 Sync Setup</ProviderName>\n";
    const misordered = replaceOnce(replaceOnce(devXml, providerLine, ""), "  <Version>", `${providerLine}  <Version>`);
    const result = validate(misordered);
    expect(result).toEqual({ ok: false, output: expect.stringMatching(/\{http:\/\/schemas.microsoft.com\/office\/appforoffice\/1.1\}ProviderName': This element is not expected/) });
  });

  it("rejects SupportsPinning in VersionOverrides 1.0, where only 1.1 knows it", () => {
    const pinnedV10 = replaceOnce(
      devXml,
      '<SourceLocation resid="Taskpane.Url"/>\n                  </Action>',
      '<SourceLocation resid="Taskpane.Url"/>\n                    <SupportsPinning>true</SupportsPinning>\n                  </Action>',
    );
    expect(validate(pinnedV10)).toEqual({ ok: false, output: expect.stringMatching(/\{http:\/\/schemas.microsoft.com\/office\/mailappversionoverrides\}SupportsPinning': This element is not expected/) });
  });

  it("rejects a permission level that does not exist", () => {
    const result = validate(replaceOnce(devXml, "<Permissions>ReadItem</Permissions>", "<Permissions>ReadEverything</Permissions>"));
    expect(result).toEqual({ ok: false, output: expect.stringMatching(/Permissions.*ReadEverything.*is not an element of the set/s) });
  });
});
