/**
 * The manifest's mobile section (issue 23): Outlook on iOS and Android read VersionOverrides 1.1's
 * MobileFormFactor, where one MobileButton on the message read surface opens the same pane as the
 * desktop buttons, with the nine icons Microsoft asks for (25, 32 and 48 points at scales 1, 2, 3).
 */
import fs from "node:fs";
import path from "node:path";
import { manifestIssues, parseXml, pngSize, productionManifest } from "../../build-tools/manifest";
import { writeUnifiedManifest, type UnifiedManifest } from "../../build-tools/unified-manifest";
import {
  assetsDir, devXml, PRODUCTION_URL, replaceOnce, schemasPresent, tempDir, validateXml, xmllintInstalled,
} from "./manifestFixtures";

type El = ReturnType<typeof parseXml>;
const all = (el: El): El[] => [el, ...el.children.flatMap(all)];
const nearestVersionOverrides = (el: El) => {
  for (let p = el.parent; p; p = p.parent) if (p.local === "VersionOverrides") return p;
  return null;
};

/** The mobile section of a manifest, with its references resolved in its own VersionOverrides. */
function mobileSection(xml: string) {
  const elements = all(parseXml(xml));
  const formFactors = elements.filter((el) => el.local === "MobileFormFactor");
  expect(formFactors).toHaveLength(1);
  const formFactor = formFactors[0]!;
  const scope = nearestVersionOverrides(formFactor)!;
  const inScope = all(scope).filter((el) => nearestVersionOverrides(el) === scope);
  const resource = (collection: string, id: string) => {
    const found = inScope.find((el) => el.parent?.local === collection && el.attrs.id === id);
    if (!found) throw new Error(`no ${collection} resource ${id}`);
    return found;
  };
  const extensionPoints = all(formFactor).filter((el) => el.local === "ExtensionPoint");
  const controls = all(formFactor).filter((el) => el.local === "Control");
  const desktopSources = inScope
    .filter((el) => el.local === "SourceLocation" && el.attrs.resid !== undefined && !all(formFactor).includes(el))
    .map((el) => resource("Urls", el.attrs.resid!).attrs.DefaultValue);
  return { formFactor, scope, extensionPoints, controls, resource, desktopSources, elements };
}

describe("the mobile section of the manifest", () => {
  const dev = mobileSection(devXml);

  it("is in the VersionOverrides 1.1 block, the one Outlook mobile reads, not in 1.0", () => {
    expect(dev.scope.attrs["xsi:type"]).toBe("VersionOverridesV1_1");
    expect(dev.formFactor.parent?.local).toBe("Host");
    expect(dev.formFactor.parent?.attrs["xsi:type"]).toBe("MailHost");
  });

  it("declares only the message read surface, with one MobileButton that shows a task pane", () => {
    expect(dev.extensionPoints.map((el) => el.attrs["xsi:type"])).toEqual(["MobileMessageReadCommandSurface"]);
    expect(dev.controls.map((el) => el.attrs["xsi:type"])).toEqual(["MobileButton"]);
    const action = dev.controls[0]!.children.find((el) => el.local === "Action")!;
    expect(action.attrs["xsi:type"]).toBe("ShowTaskpane");
  });

  it("opens the same pane as the desktop buttons, in development and in production", () => {
    for (const xml of [devXml, productionManifest(devXml, PRODUCTION_URL)]) {
      const section = mobileSection(xml);
      const source = all(section.controls[0]!).find((el) => el.local === "SourceLocation")!;
      const url = section.resource("Urls", source.attrs.resid!).attrs.DefaultValue!;
      expect(new URL(url).pathname).toBe("/taskpane.html");
      expect(section.desktopSources.length).toBeGreaterThan(0);
      expect(new Set(section.desktopSources)).toEqual(new Set([url]));
    }
  });

  it("has the nine icons, each a PNG of size × scale pixels", () => {
    const icon = dev.controls[0]!.children.find((el) => el.local === "Icon")!;
    expect(icon.attrs["xsi:type"]).toBe("bt:MobileIconList");
    const images = icon.children.filter((el) => el.local === "Image");
    expect(images.map((img) => `${img.attrs.size}@${img.attrs.scale}`).sort()).toEqual(
      ["25@1", "25@2", "25@3", "32@1", "32@2", "32@3", "48@1", "48@2", "48@3"].sort(),
    );
    for (const img of images) {
      const url = dev.resource("Images", img.attrs.resid!).attrs.DefaultValue!;
      const file = path.join(assetsDir, path.basename(new URL(url).pathname));
      const pixels = Number(img.attrs.size) * Number(img.attrs.scale);
      expect({ file: path.basename(file), size: pngSize(fs.readFileSync(file)) })
        .toEqual({ file: path.basename(file), size: { width: pixels, height: pixels } });
    }
  });

  it("in the production manifest, every mobile URL is https on the add-in's host, none localhost", () => {
    const production = mobileSection(productionManifest(devXml, PRODUCTION_URL));
    const refs = all(production.formFactor).filter((el) => el.attrs.resid !== undefined && ["Image", "SourceLocation"].includes(el.local));
    expect(refs.length).toBe(10);
    for (const ref of refs) {
      const url = new URL(production.resource(ref.local === "Image" ? "Images" : "Urls", ref.attrs.resid!).attrs.DefaultValue!);
      expect(url.protocol).toBe("https:");
      expect(url.origin).toBe(PRODUCTION_URL);
      expect(url.hostname).not.toMatch(/localhost/);
    }
  });

  it("has its group and button labels in English and in French", () => {
    const labels = all(dev.formFactor).filter((el) => el.local === "Label");
    expect(labels).toHaveLength(2);
    for (const label of labels) {
      const text = dev.resource("ShortStrings", label.attrs.resid!);
      expect(text.attrs.DefaultValue?.trim()).toBeTruthy();
      const fr = text.children.find((el) => el.local === "Override" && el.attrs.Locale === "fr-FR");
      expect(fr?.attrs.Value?.trim()).toBeTruthy();
    }
  });
});

describe("manifestIssues on the mobile section", () => {
  const devChecks = (xml: string, dir = assetsDir) => manifestIssues(xml, { allowLocalhost: true, assetsDir: dir });

  it("catches a mobile button without one of the nine size/scale pairs", () => {
    const xml = replaceOnce(devXml, '<bt:Image size="48" scale="3" resid="Icon.144x144"/>', '<bt:Image size="48" scale="2" resid="Icon.96x96"/>');
    expect(devChecks(xml)).toEqual(expect.arrayContaining([expect.stringMatching(/the mobile button has no image for 48 at scale 3/)]));
  });

  it("catches a mobile icon file that is not size × scale pixels", () => {
    const dir = tempDir();
    try {
      for (const name of fs.readdirSync(assetsDir)) fs.copyFileSync(path.join(assetsDir, name), path.join(dir, name));
      fs.copyFileSync(path.join(assetsDir, "icon-48.png"), path.join(dir, "icon-144.png"));
      expect(devChecks(devXml, dir)).toEqual([expect.stringMatching(/icon-144.png is 48×48 px but is declared as 144×144 px/)]);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("catches a mobile icon resource that is not served over https", () => {
    const xml = replaceOnce(devXml, 'DefaultValue="https://localhost:3000/assets/icon-75.png"', 'DefaultValue="http://localhost:3000/assets/icon-75.png"');
    expect(devChecks(xml)).toEqual([expect.stringMatching(/icon-75.png" must use https/)]);
  });
});

(xmllintInstalled && schemasPresent ? describe : describe.skip)("Microsoft's schema on the mobile section", () => {
  const validate = validateXml;

  it("rejects a mobile button with fewer than nine images", () => {
    const xml = replaceOnce(devXml, '<bt:Image size="48" scale="3" resid="Icon.144x144"/>', "");
    expect(validate(xml)).toEqual({ ok: false, output: expect.stringMatching(/Icon.*Missing child element|Expected is/) });
  });

  it("rejects a mobile image without its scale", () => {
    const xml = replaceOnce(devXml, '<bt:Image size="25" scale="1" resid="Icon.25x25"/>', '<bt:Image size="25" resid="Icon.25x25"/>');
    expect(validate(xml)).toEqual({ ok: false, output: expect.stringMatching(/scale.*required/) });
  });

  it("rejects a MobileFormFactor in the VersionOverrides 1.0 block, which mobile clients do not read", () => {
    const mobile = /[ \t]*<MobileFormFactor>[\s\S]*?<\/MobileFormFactor>\r?\n/.exec(devXml)![0];
    const xml = replaceOnce(devXml, "        </DesktopFormFactor>\n      </Host>", `        </DesktopFormFactor>\n${mobile}      </Host>`);
    expect(validate(xml)).toMatchObject({ ok: false });
  });
});

describe("the unified manifest's mobile ribbon", () => {
  let dir: string;
  let manifest: UnifiedManifest;
  beforeAll(async () => {
    dir = path.join(tempDir(), "unified-manifest");
    ({ manifest } = await writeUnifiedManifest({ xml: productionManifest(devXml, PRODUCTION_URL), outDir: dir }));
  });
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it("is shaped as Microsoft's schema describes: mobile form factor, mailRead, TabDefault's customMobileRibbonGroups", () => {
    const extension = manifest.extensions[0]!;
    const mobile = extension.ribbons!.filter((r) => r.requirements?.formFactors?.includes("mobile"));
    expect(mobile).toHaveLength(1);
    const ribbon = mobile[0]!;
    expect(ribbon.requirements?.formFactors).toEqual(["mobile"]);
    expect(ribbon.contexts).toEqual(["mailRead"]);
    expect(ribbon.tabs).toHaveLength(1);
    expect(ribbon.tabs[0]!.builtInTabId).toBe("TabDefault");
    expect(ribbon.tabs[0]!.groups).toBeUndefined();
    const controls = ribbon.tabs[0]!.customMobileRibbonGroups!.flatMap((g) => g.controls);
    expect(controls.map((c) => c.type)).toEqual(["mobileButton"]);
    const control = controls[0]!;
    expect(control.icons).toHaveLength(9);
    for (const icon of control.icons) {
      expect(new URL(icon.url).origin).toBe(PRODUCTION_URL);
      const file = path.join(assetsDir, path.basename(new URL(icon.url).pathname));
      expect(pngSize(fs.readFileSync(file))).toEqual({ width: icon.size * icon.scale, height: icon.size * icon.scale });
    }
    // Its action opens the same page as the desktop buttons.
    const runtime = extension.runtimes!.find((r) => r.actions.some((a) => a.id === control.actionId))!;
    expect(runtime.code.page).toBe(`${PRODUCTION_URL}/taskpane.html`);
    expect(JSON.stringify(manifest)).not.toContain("placeholder");
  });

  it("has the mobile labels in French too", () => {
    const fr = JSON.parse(fs.readFileSync(path.join(dir, "fr-fr.json"), "utf8")) as Record<string, string>;
    const keys = Object.keys(fr).filter((k) => k.includes("customMobileRibbonGroups"));
    expect(keys.some((k) => k.endsWith("controls[0].label"))).toBe(true);
    expect(keys.map((k) => fr[k])).toEqual(expect.arrayContaining(["Synchro X3"]));
  });
});
