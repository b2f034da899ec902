/**
 * The unified manifest for Microsoft 365 (JSON), converted offline from the production XML manifest
 * by Microsoft's office-addin-manifest-converter (build-tools/unified-manifest.js). No JSON schema
 * for it is available offline, so its structure is checked by our own rules.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { manifestVersion, parseXml, pngSize, productionManifest } from "../../build-tools/manifest";
import {
  buildUnifiedManifest, shortDescription, unifiedManifestIssues, unifiedVersion, writeUnifiedManifest, type UnifiedManifest,
} from "../../build-tools/unified-manifest";
import { devXml, PRODUCTION_URL, replaceOnce, tempDir } from "./manifestFixtures";

const productionXml = productionManifest(devXml, PRODUCTION_URL);
const xmlId = parseXml(devXml).children.find((el) => el.local === "Id")?.text.trim();
const xmlVersion = manifestVersion(devXml) ?? "";
const expected = { expectedOrigin: PRODUCTION_URL, id: xmlId, version: xmlVersion };

let dir: string;
let manifest: UnifiedManifest;
let connects: jest.SpyInstance;

beforeAll(async () => {
  // Any TCP connection (http, https, tls all open one) would be the converter going online.
  connects = jest.spyOn(net.Socket.prototype, "connect").mockImplementation(() => {
    throw new Error("the unified manifest conversion tried to use the network");
  });
  dir = path.join(tempDir(), "unified-manifest");
  const result = await buildUnifiedManifest(productionXml, dir);
  expect(result.warnings).toEqual([]);
  manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
});
afterAll(() => {
  connects.mockRestore();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));

describe("the unified manifest converted from the production XML manifest", () => {
  it("is produced offline, with its icons and French strings beside it", () => {
    expect(connects).not.toHaveBeenCalled();
    expect(fs.readdirSync(dir).sort()).toEqual(["color.png", "fr-fr.json", "manifest.json", "outline.png"]);
  });

  it("passes every structural check", () => {
    expect(unifiedManifestIssues(dir, expected)).toEqual([]);
  });

  it("has the required top-level keys", () => {
    for (const key of ["$schema", "id", "version", "manifestVersion", "name", "description", "icons", "developer", "extensions"]) {
      expect(manifest).toHaveProperty([key]);
    }
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json#`);
  });

  it("keeps the XML manifest's id and version, so it is the same add-in", () => {
    expect(manifest.id).toBe(xmlId);
    expect(manifest.version).toBe(unifiedVersion(xmlVersion));
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("points every web address at the production host, and nothing at localhost", () => {
    const text = fs.readFileSync(path.join(dir, "manifest.json"), "utf8");
    expect(text).not.toMatch(/localhost/i);
    const urls = [...text.matchAll(/"(https?:\/\/[^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith("https://developer.microsoft.com/json-schemas/"));
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(new URL(url).origin).toBe(PRODUCTION_URL);
    expect(manifest.extensions[0]?.runtimes?.every((r) => r.code.page === `${PRODUCTION_URL}/taskpane.html`)).toBe(true);
  });

  it("opens the pane from reading a message and from both appointment surfaces, pinnable when reading", () => {
    const extension = manifest.extensions[0]!;
    expect(extension.requirements?.scopes).toEqual(["mail"]);
    const contexts = new Set(extension.ribbons?.flatMap((r) => r.contexts));
    expect(contexts).toEqual(new Set(["mailRead", "meetingDetailsOrganizer", "meetingDetailsAttendee"]));
    const actions = extension.runtimes!.flatMap((r) => r.actions);
    expect(actions.every((a) => a.type === "openPage")).toBe(true);
    expect(actions.filter((a) => a.pinnable).length).toBe(1);
    expect(manifest.authorization?.permissions?.resourceSpecific).toEqual([{ name: "MailboxItem.Read.User", type: "Delegated" }]);
  });

  it("carries package icons at the sizes the schema asks for: color 192 px, outline 32 px", () => {
    expect(manifest.icons).toEqual({ color: "color.png", outline: "outline.png" });
    expect(pngSize(fs.readFileSync(path.join(dir, "color.png")))).toEqual({ width: 192, height: 192 });
    expect(pngSize(fs.readFileSync(path.join(dir, "outline.png")))).toEqual({ width: 32, height: 32 });
  });

  it("has short descriptions cut at a word, in both languages, without the converter's <TRUNCATED> mark", () => {
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.short).toMatch(/^Choose what the synchronization .*…$/);
    const fr = readJson("fr-fr.json");
    expect(fr["name.short"]).toBe("Paramétrage synchro X3");
    expect(fr["description.short"]).toMatch(/^Choisissez .*…$/);
    expect(fr["description.short"].length).toBeLessThanOrEqual(80);
    expect(JSON.stringify(fr) + JSON.stringify(manifest)).not.toContain("<TRUNCATED>");
  });
});

describe("unifiedManifestIssues catches a broken package", () => {
  let broken: string;
  beforeEach(() => {
    broken = path.join(tempDir(), "unified-manifest");
    fs.cpSync(dir, broken, { recursive: true });
  });
  afterEach(() => fs.rmSync(path.dirname(broken), { recursive: true, force: true }));

  const edit = (change: (m: UnifiedManifest & Record<string, unknown>) => void) => {
    const file = path.join(broken, "manifest.json");
    // From the good manifest each time: one break per call.
    const m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
    change(m);
    fs.writeFileSync(file, JSON.stringify(m));
    return unifiedManifestIssues(broken, expected);
  };

  it("a missing required key", () => {
    expect(edit((m) => { Reflect.deleteProperty(m, "developer"); })).toEqual(['"developer" is missing']);
  });

  it("a version or id that is not the XML manifest's", () => {
    expect(edit((m) => { m.version = "9.0.0"; })).toEqual([`"version" 9.0.0 is not the XML manifest's ${xmlVersion} (as n.n.n: ${unifiedVersion(xmlVersion)})`]);
    expect(edit((m) => { m.id = "not-a-guid"; })).toEqual([
      '"id" not-a-guid is not a GUID', expect.stringMatching(/"id" not-a-guid is not the XML manifest's/),
    ]);
  });

  it("an address on another host or over http", () => {
    expect(edit((m) => { m.extensions[0]!.runtimes![0]!.code.page = "https://evil.example/taskpane.html"; })).toEqual([
      expect.stringMatching(/runtimes\[0\]\.code\.page" https:\/\/evil.example\/taskpane.html is not on https:\/\/addin.contoso.com/),
    ]);
    expect(edit((m) => { m.developer.privacyUrl = "http://addin.contoso.com/privacy"; })).toEqual([expect.stringMatching(/privacyUrl" .* must use https/)]);
  });

  it("a button that opens an action no runtime defines", () => {
    expect(edit((m) => { m.extensions[0]!.runtimes![0]!.actions = m.extensions[0]!.runtimes![0]!.actions.slice(1); }))
      .toEqual([expect.stringMatching(/button x3SyncMessageReadButton opens action action_1, which no runtime defines/)]);
  });

  it("a mobile ribbon as the converter writes it: context default, a placeholder group", () => {
    const issues = edit((m) => {
      const ribbon = m.extensions[0]!.ribbons!.find((r) => r.requirements?.formFactors?.includes("mobile"))!;
      ribbon.contexts = ["default"];
      ribbon.tabs[0]!.groups = [{ id: "", controls: [{ id: "", actionId: "", icons: [{ size: 32, url: "https://placeholder" }] }] }];
    });
    expect(issues).toEqual(expect.arrayContaining([
      expect.stringMatching(/mobile contexts are \["default"\]; Outlook mobile supports only \["mailRead"\]/),
      expect.stringMatching(/is for mobile but has desktop groups/),
      expect.stringMatching(/https:\/\/placeholder is not on https:\/\/addin.contoso.com/),
    ]));
  });

  it("a mobile button without one of its nine icons", () => {
    expect(edit((m) => {
      const ribbon = m.extensions[0]!.ribbons!.find((r) => r.requirements?.formFactors?.includes("mobile"))!;
      ribbon.tabs[0]!.customMobileRibbonGroups![0]!.controls[0]!.icons.pop();
    })).toEqual([expect.stringMatching(/mobile button .* has no icon for 48@3/)]);
  });

  it("an extension without ribbons or runtimes", () => {
    expect(edit((m) => { delete m.extensions[0]!.ribbons; delete m.extensions[0]!.runtimes; })).toEqual([
      '"extensions[0].runtimes" is missing or empty', '"extensions[0].ribbons" is missing or empty',
    ]);
  });

  it("a text over its limit or still marked <TRUNCATED>", () => {
    expect(edit((m) => { m.name.short = "X3 Sync Setup for every Outlook user"; })).toEqual(['"name.short" is 36 characters; the limit is 30']);
    expect(edit((m) => { m.description.short = "<TRUNCATED>Choose what…"; })).toEqual([expect.stringMatching(/still carries the converter's <TRUNCATED> mark/)]);
  });

  it("a package icon missing or of the wrong size", () => {
    fs.copyFileSync(path.join(broken, "outline.png"), path.join(broken, "color.png"));
    fs.rmSync(path.join(broken, "outline.png"));
    expect(unifiedManifestIssues(broken, expected)).toEqual([
      '"icons.color" color.png is 32×32 px; it must be 192×192',
      '"icons.outline" outline.png is not in the package',
    ]);
  });

  it("a locale file that is listed but absent", () => {
    fs.rmSync(path.join(broken, "fr-fr.json"));
    expect(unifiedManifestIssues(broken, expected)).toEqual(["the fr-fr strings file fr-fr.json is not in the package"]);
  });
});

describe("buildUnifiedManifest", () => {
  it("refuses the development manifest: it points at localhost", async () => {
    const out = tempDir();
    await expect(buildUnifiedManifest(devXml, out)).rejects.toThrow(/points at this machine/);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("warns when the XML Version changes only in its fourth part, which the unified manifest drops", async () => {
    const out = path.join(tempDir(), "u");
    const xml = replaceOnce(productionXml, /<Version>[^<]*<\/Version>/, "<Version>7.0.0.1</Version>");
    const { warnings } = await buildUnifiedManifest(xml, out);
    expect(warnings).toEqual([expect.stringMatching(/7\.0\.0\.1: the unified manifest keeps only 7\.0\.0; bump one of the first three parts/)]);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it("empties the output folder first, so no file of an older build ships", async () => {
    const out = path.join(tempDir(), "u");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "stale.json"), "{}");
    await writeUnifiedManifest({ xml: productionXml, outDir: out });
    expect(fs.existsSync(path.join(out, "stale.json"))).toBe(false);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
});

describe("unifiedVersion and shortDescription", () => {
  it("makes the XML Version n.n.n", () => {
    expect(unifiedVersion("1.0.0.0")).toBe("1.0.0");
    expect(unifiedVersion("1.2")).toBe("1.2.0");
    expect(unifiedVersion("3")).toBe("3.0.0");
  });

  it("cuts at a word and marks the cut", () => {
    expect(shortDescription("Short enough.")).toBe("Short enough.");
    const cut = shortDescription(`${"word ".repeat(30)}end`);
    expect(cut.length).toBeLessThanOrEqual(80);
    expect(cut).toMatch(/word…$/);
  });
});
