/** Shared by the manifest tests: the project's files and ways to break a manifest on purpose. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { schemasDirFor, validateWithSchema } from "../../build-tools/manifest";

export const projectRoot = path.resolve(__dirname, "..", "..");
export const manifestPath = path.join(projectRoot, "manifest.xml");
export const assetsDir = path.join(projectRoot, "assets");
export const schemasDir = schemasDirFor(projectRoot);
export const devXml = fs.readFileSync(manifestPath, "utf8");
export const PRODUCTION_URL = "https://addin.contoso.com";

/** `xml` with the first `from` replaced; throws when `from` is absent so a test cannot pass by accident. */
export function replaceOnce(xml: string, from: string | RegExp, to: string): string {
  const found = typeof from === "string" ? xml.includes(from) : from.test(xml);
  if (!found) throw new Error(`test fixture: ${String(from)} is not in the manifest`);
  return xml.replace(from, to);
}

/** A fresh temporary folder, removed by the caller with `fs.rmSync(dir, { recursive: true })`. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "manifest-test-"));
}

/** Writes `xml` to a temporary manifest file and returns its path. */
export function writeTemp(xml: string, name = "manifest.xml"): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, xml);
  return file;
}

/** `xml` validated against the shared schemas with xmllint, through a temporary file. */
export function validateXml(xml: string): ReturnType<typeof validateWithSchema> {
  const file = writeTemp(xml);
  try {
    return validateWithSchema(file, schemasDir);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true });
  }
}

export const xmllintInstalled = spawnSync("xmllint", ["--version"]).error === undefined;
export const schemasPresent = fs.existsSync(path.join(schemasDir, "OfficeAppManifestV1_1.xsd"));
export const inCI = process.env.CI === "true";
