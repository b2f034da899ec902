/**
 * The certificate step a developer runs to sideload the pane: Microsoft's office-addin-dev-certs, pinned in
 * this project (npx would fetch whatever version is current, and fails offline or behind a proxy), run by an
 * npm script, and the one the README and the server's start-up message name.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };

describe("the development certificate step", () => {
  it("is a dev dependency, locked, run by `npm run certs:install`", () => {
    expect(pkg.devDependencies["office-addin-dev-certs"]).toMatch(/^\^?\d+\.\d+\.\d+$/);
    expect(lock.packages["node_modules/office-addin-dev-certs"]?.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts["certs:install"]).toBe("office-addin-dev-certs install");
    expect(pkg.scripts["certs:verify"]).toBe("office-addin-dev-certs verify");
  });

  it("is what the README and the server tell a developer to run, never npx", () => {
    for (const file of ["README.md", "src/server/main.ts"]) {
      const text = readFileSync(join(root, file), "utf8");
      expect([file, text.includes("npm run certs:install")]).toEqual([file, true]);
      expect([file, /npx\s+office-addin-dev-certs/.test(text)]).toEqual([file, false]);
    }
  });
});
