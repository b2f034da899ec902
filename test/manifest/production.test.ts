/** The production manifest the build writes for ADDIN_URL (build-tools/manifest.js productionManifest). */
import { addinOrigin, manifestIssues, manifestVersion, parseXml, productionManifest } from "../../build-tools/manifest";
import { assetsDir, devXml, PRODUCTION_URL, replaceOnce } from "./manifestFixtures";

const production = productionManifest(devXml, PRODUCTION_URL);
const root = parseXml(production);
const child = (local: string) => root.children.find((el) => el.local === local);

describe("productionManifest", () => {
  it("passes every check with localhost forbidden and every URL on the add-in's origin", () => {
    expect(manifestIssues(production, { allowLocalhost: false, assetsDir, expectedOrigin: PRODUCTION_URL })).toEqual([]);
  });

  it("mentions localhost nowhere", () => {
    expect(production).not.toMatch(/localhost/i);
    expect(production).toContain("<Resource>api://addin.contoso.com/");
  });

  it("drops (dev) from the DisplayName, in every locale", () => {
    const displayName = child("DisplayName");
    expect(displayName?.attrs.DefaultValue).toBe("X3 Sync Setup");
    expect(displayName?.children.map((o) => [o.attrs.Locale, o.attrs.Value])).toEqual([["fr-FR", "Paramétrage synchro X3"]]);
    expect(production).not.toContain("(dev)");
  });

  it("keeps the Id and the Version, so Outlook sees an update of the same add-in", () => {
    expect(child("Id")?.text).toBe(parseXml(devXml).children.find((el) => el.local === "Id")?.text);
    expect(manifestVersion(production)).toBe(manifestVersion(devXml));
  });

  it("drops the development-only comments", () => {
    expect(devXml).toMatch(/<!-- dev:/);
    expect(production).not.toMatch(/<!-- dev:/);
    expect(production).toMatch(/<!-- ReadItem, the lowest level/);
  });

  it("accepts a trailing slash and a port", () => {
    expect(productionManifest(devXml, "https://addin.contoso.com/")).toBe(production);
    const withPort = productionManifest(devXml, "https://addin.contoso.com:8443");
    expect(withPort).toContain('<SourceLocation DefaultValue="https://addin.contoso.com:8443/taskpane.html"/>');
    expect(manifestIssues(withPort, { allowLocalhost: false, assetsDir, expectedOrigin: "https://addin.contoso.com:8443" })).toEqual([]);
  });

  it.each([
    ["http://addin.contoso.com", /must use https/],
    ["https://localhost:3000", /points at this machine/],
    ["https://127.0.0.1", /points at this machine/],
    ["https://[::1]:3000", /points at this machine/],
    ["https://addin.contoso.com/outlook", /origin only/],
    ["https://addin.contoso.com/?x=1", /origin only/],
    ["https://addin.contoso.com#pane", /origin only/],
    ["https://it:secret@addin.contoso.com", /origin only/],
    ["addin.contoso.com", /not a URL/],
  ])("rejects %s", (url, message) => {
    expect(() => productionManifest(devXml, url)).toThrow(message);
    expect(() => addinOrigin(url)).toThrow(message);
  });

  it("refuses to produce a manifest that still points at localhost", () => {
    const stray = replaceOnce(devXml, 'DefaultValue="https://localhost:3000/support.html"', 'DefaultValue="https://localhost:4000/support.html"');
    expect(() => productionManifest(stray, PRODUCTION_URL)).toThrow(/still mentions localhost at line \d+/);
  });

  it("sets the Entra app's client id in WebApplicationInfo when given", () => {
    const clientId = "0b9e1d43-5f7a-4c1e-9a9f-2d6b8c1e7f00";
    const xml = productionManifest(devXml, PRODUCTION_URL, { webApplicationId: clientId });
    expect(xml).toContain(`<Id>${clientId}</Id>`);
    expect(xml).toContain(`<Resource>api://addin.contoso.com/${clientId}</Resource>`);
    expect(manifestIssues(xml, { allowLocalhost: false, assetsDir })).toEqual([]);
    expect(() => productionManifest(devXml, PRODUCTION_URL, { webApplicationId: "my-app" })).toThrow(/not a GUID/);
  });
});
