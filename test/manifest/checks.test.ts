/** The manifest rules Microsoft's schemas cannot express (build-tools/manifest.js manifestIssues). */
import fs from "node:fs";
import path from "node:path";
import { manifestIssues, parseXml, pngSize, productionManifest } from "../../build-tools/manifest";
import { assetsDir, devXml, PRODUCTION_URL, replaceOnce, tempDir } from "./manifestFixtures";

const devChecks = (xml: string, dir = assetsDir) => manifestIssues(xml, { allowLocalhost: true, assetsDir: dir });

describe("the development manifest", () => {
  it("passes every check, localhost allowed", () => {
    expect(devChecks(devXml)).toEqual([]);
  });

  it("fails the production rules because it points at localhost", () => {
    const issues = manifestIssues(devXml, { allowLocalhost: false, assetsDir });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((issue) => issue.includes("localhost"))).toBe(true);
    expect(issues).toContainEqual(expect.stringMatching(/<Resource>.*api:\/\/localhost:3000/));
  });

  it("declares the surfaces, permission and pinning the add-in relies on", () => {
    const root = parseXml(devXml);
    const all = (el: typeof root): (typeof root)[] => [el, ...el.children.flatMap(all)];
    const elements = all(root);
    expect(elements.find((el) => el.local === "Permissions")?.text).toBe("ReadItem");
    const surfaces = (xsiType: string) =>
      elements.filter((el) => el.local === "VersionOverrides" && el.attrs["xsi:type"] === xsiType)
        .flatMap((vo) => all(vo).filter((el) => el.local === "ExtensionPoint" && nearestVersionOverrides(el) === vo))
        .map((el) => el.attrs["xsi:type"]);
    const expected = ["MessageReadCommandSurface", "AppointmentOrganizerCommandSurface", "AppointmentAttendeeCommandSurface"];
    expect(surfaces("VersionOverridesV1_0")).toEqual(expected);
    // Outlook on iOS and Android read only the 1.1 block, and its one mobile surface (test/manifest/mobile.test.ts).
    expect(surfaces("VersionOverridesV1_1")).toEqual([...expected, "MobileMessageReadCommandSurface"]);
    const pinned = elements.filter((el) => el.local === "SupportsPinning");
    expect(pinned.map((el) => nearestVersionOverrides(el)?.attrs["xsi:type"])).toEqual(["VersionOverridesV1_1"]);
  });
});

function nearestVersionOverrides(el: ReturnType<typeof parseXml>) {
  for (let p = el.parent; p; p = p.parent) if (p.local === "VersionOverrides") return p;
  return null;
}

describe("each rule catches a broken manifest", () => {
  it("an http URL", () => {
    const xml = replaceOnce(devXml, 'DefaultValue="https://localhost:3000/support.html"', 'DefaultValue="http://localhost:3000/support.html"');
    expect(devChecks(xml)).toEqual([expect.stringMatching(/^<SupportUrl> \(line \d+\): "http:\/\/localhost:3000\/support.html" must use https$/)]);
  });

  it("an http URL in a string resource override", () => {
    const xml = replaceOnce(devXml, '<bt:Url id="Taskpane.Url" DefaultValue="https://localhost:3000/taskpane.html"/>',
      '<bt:Url id="Taskpane.Url" DefaultValue="https://localhost:3000/taskpane.html"><bt:Override Locale="fr-FR" Value="http://localhost:3000/fr/taskpane.html"/></bt:Url>');
    expect(devChecks(xml)).toEqual([expect.stringMatching(/<bt:Url>.*"http:\/\/localhost:3000\/fr\/taskpane.html" must use https/)]);
  });

  it("an http address outside the URL elements", () => {
    const xml = replaceOnce(devXml, "<Resource>api://localhost:3000/", "<Resource>http://localhost:3000/");
    expect(devChecks(xml)).toContainEqual(expect.stringMatching(/<Resource>.*uses http/));
  });

  it("a resid that no resource defines", () => {
    const xml = replaceOnce(devXml, '<Description resid="PaneButton.Tooltip"/>', '<Description resid="PaneButton.Tooltp"/>');
    expect(devChecks(xml)).toEqual([expect.stringMatching(/^<Description> \(line \d+\): resid "PaneButton.Tooltp" is not defined in the <Resources>/)]);
  });

  it("a resid defined only in the other VersionOverrides", () => {
    // Drop the tooltip from the 1.1 resources only (the last LongStrings block).
    const at = devXml.lastIndexOf("<bt:LongStrings>");
    const end = devXml.indexOf("</bt:LongStrings>", at) + "</bt:LongStrings>".length;
    const xml = devXml.slice(0, at) + devXml.slice(end);
    const issues = devChecks(xml);
    expect(issues).toHaveLength(3);
    expect(issues.every((issue) => /resid "PaneButton.Tooltip" is not defined/.test(issue))).toBe(true);
  });

  it("a resid naming a resource of the wrong kind", () => {
    const xml = replaceOnce(devXml, '<Label resid="PaneButton.Label"/>', '<Label resid="Taskpane.Url"/>');
    expect(devChecks(xml)).toEqual([expect.stringMatching(/resid "Taskpane.Url" names a URL resource; <Label> needs a short string/)]);
  });

  it("a resource nobody references", () => {
    const xml = replaceOnce(devXml, "</bt:Urls>", '<bt:Url id="Unused.Url" DefaultValue="https://localhost:3000/unused.html"/></bt:Urls>');
    expect(devChecks(xml)).toEqual([expect.stringMatching(/resource "Unused.Url" is never referenced/)]);
  });

  it("a short string over 125 characters and a long string over 250", () => {
    const xml = replaceOnce(
      replaceOnce(devXml, 'DefaultValue="X3 sync setup">', `DefaultValue="${"x".repeat(126)}">`),
      'DefaultValue="Choose what the Sage X3 synchronization', `DefaultValue="${"y".repeat(200)} Choose what the Sage X3 synchronization`,
    );
    expect(devChecks(xml)).toEqual([
      expect.stringMatching(/"PaneButton.Label" has a short string of 126 characters; the limit is 125/),
      expect.stringMatching(/"PaneButton.Tooltip" has a long string of \d{3} characters; the limit is 250/),
    ]);
  });

  it("a resource id over 32 characters", () => {
    const longId = "Group.Label.That.Is.Far.Too.Long.";
    expect(longId.length).toBeGreaterThan(32);
    const xml = devXml.split('"Group.Label"').join(`"${longId}"`);
    const issues = devChecks(xml);
    expect(issues).toContainEqual(expect.stringMatching(/resource id "Group.Label.That.Is.Far.Too.Long." is 33 characters; the limit is 32/));
  });

  it("a string resource without its fr-FR override", () => {
    const xml = replaceOnce(devXml, '<bt:Override Locale="fr-FR" Value="Synchro X3"/>', "");
    expect(devChecks(xml)).toEqual([expect.stringMatching(/string resource "PaneButton.Label" has no fr-FR <Override>/)]);
  });

  it("DisplayName and Description without their fr-FR override", () => {
    const xml = replaceOnce(replaceOnce(devXml, '<Override Locale="fr-FR" Value="Paramétrage synchro X3 (dev)"/>', ""),
      /<Override Locale="fr-FR" Value="Choisissez ce que la synchronisation entre[^"]*"\/>/, "");
    expect(devChecks(xml)).toEqual([
      expect.stringMatching(/<DisplayName> has no fr-FR <Override>/),
      expect.stringMatching(/<Description> has no fr-FR <Override>/),
    ]);
  });

  it("an override in another locale only", () => {
    const xml = replaceOnce(devXml, '<bt:Override Locale="fr-FR" Value="Synchro X3"/>', '<bt:Override Locale="de-DE" Value="X3-Synchronisierung"/>');
    expect(devChecks(xml)).toEqual([expect.stringMatching(/"PaneButton.Label" has no fr-FR <Override>/)]);
  });

  it("a bad Version", () => {
    for (const version of ["1.0.0.0.0", "v1", "1.123456", ""]) {
      const xml = replaceOnce(devXml, /<Version>[^<]*<\/Version>/, `<Version>${version}</Version>`);
      expect(devChecks(xml)).toEqual([expect.stringMatching(/^<Version> ".*" must be 1 to 4 numbers/)]);
    }
  });

  it("an Id that is not a GUID", () => {
    const xml = replaceOnce(devXml, "<Id>3a56a904-1c21-4e21-9d1e-8d52b0b56286</Id>", "<Id>x3-sync-setup</Id>");
    expect(devChecks(xml)).toEqual([expect.stringMatching(/^<Id> "x3-sync-setup" is not a GUID/)]);
  });

  it("localhost in a production manifest", () => {
    const production = productionManifest(devXml, PRODUCTION_URL);
    const xml = replaceOnce(production, '<SupportUrl DefaultValue="https://addin.contoso.com/support.html"/>',
      '<SupportUrl DefaultValue="https://localhost:3000/support.html"/>');
    expect(manifestIssues(xml, { allowLocalhost: false, assetsDir })).toEqual([
      expect.stringMatching(/<SupportUrl>.*points at localhost, which only the development manifest may do/),
    ]);
    expect(manifestIssues(xml, { allowLocalhost: false, assetsDir, expectedOrigin: PRODUCTION_URL })).toContainEqual(
      expect.stringMatching(/<SupportUrl>.* is not on https:\/\/addin.contoso.com/),
    );
  });

  it("XML that is not well-formed", () => {
    const xml = replaceOnce(devXml, "</ProviderName>", "</Provider>");
    expect(devChecks(xml)).toEqual([expect.stringMatching(/^the manifest is not well-formed XML: <\/Provider> at line \d+ does not close <ProviderName>/)]);
  });
});

describe("icon files", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    for (const name of fs.readdirSync(assetsDir)) fs.copyFileSync(path.join(assetsDir, name), path.join(dir, name));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true }));

  it("pass when every declared icon is there at its size", () => {
    expect(devChecks(devXml, dir)).toEqual([]);
  });

  it("catch an icon of the wrong size", () => {
    fs.copyFileSync(path.join(assetsDir, "icon-16.png"), path.join(dir, "icon-32.png"));
    const issues = devChecks(devXml, dir);
    expect(issues).toHaveLength(2); // the 1.0 and the 1.1 resources both use it
    expect(issues[0]).toMatch(/<bt:Image> \(line \d+\): icon-32.png is 16×16 px but is declared as 32×32 px/);
  });

  it("catch a top-level icon of the wrong size", () => {
    fs.copyFileSync(path.join(assetsDir, "icon-128.png"), path.join(dir, "icon-64.png"));
    expect(devChecks(devXml, dir)).toEqual([
      expect.stringMatching(/^<IconUrl> .*icon-64.png is 128×128 px but is declared as 64×64 px/),
      // The mobile button uses the same file for 32 points at scale 2.
      expect.stringMatching(/^<bt:Image> .*icon-64.png is 128×128 px but is declared as 64×64 px/),
    ]);
  });

  it("catch an icon referenced at a size other than its name says", () => {
    const xml = replaceOnce(devXml, '<bt:Image size="80" resid="Icon.80x80"/>', '<bt:Image size="64" resid="Icon.80x80"/>');
    expect(devChecks(xml, dir)).toEqual(expect.arrayContaining([
      expect.stringMatching(/icon-80.png" is declared at several sizes/),
      expect.stringMatching(/icon-80.png is 80×80 px but is declared as 64×64 px/),
    ]));
  });

  it("catch a missing icon file", () => {
    fs.rmSync(path.join(dir, "icon-80.png"));
    const issues = devChecks(devXml, dir);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/icon file icon-80.png is missing/);
  });

  it("catch an icon file that is not a PNG", () => {
    fs.copyFileSync(path.join(assetsDir, "icon.svg"), path.join(dir, "icon-128.png"));
    expect(devChecks(devXml, dir)).toEqual([expect.stringMatching(/<HighResolutionIconUrl>.*icon-128.png is not a PNG/)]);
  });
});

describe("pngSize", () => {
  it("reads the IHDR width and height", () => {
    expect(pngSize(fs.readFileSync(path.join(assetsDir, "icon-80.png")))).toEqual({ width: 80, height: 80 });
  });

  it("refuses bytes that are not a PNG", () => {
    expect(pngSize(Buffer.from("GIF89a not a png at all, really"))).toBeNull();
    expect(pngSize(Buffer.alloc(0))).toBeNull();
  });
});
