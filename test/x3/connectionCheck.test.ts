import { checkX3Connection } from "../../src/x3/connectionCheck";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import { emulatorSuite, testGateway, type TestFolder } from "./fixture";

let folder: TestFolder;
let emulator: RunningX3Emulator;

emulatorSuite((suite) => ({ folder, emulator } = suite));

const outcome = (report: Awaited<ReturnType<typeof checkX3Connection>>) => Object.fromEntries(report.steps.map((s) => [s.id, s.ok]));

describe("the X3 connection test", () => {
  it("passes every step against a well-configured X3", async () => {
    const gateway = testGateway(emulator.url, folder);
    const report = await checkX3Connection(gateway);
    await gateway.close();
    expect(report.ok).toBe(true);
    expect(report.steps.every((s) => s.ok === true && s.fix === null)).toBe(true);
  });

  it("says the credentials are wrong, and stops there", async () => {
    const gateway = testGateway(emulator.url, folder, { auth: { kind: "basic", user: "admin", password: "wrong" } });
    const report = await checkX3Connection(gateway);
    await gateway.close();
    expect(outcome(report)).toMatchObject({ reach: true, tls: true, auth: false, "class:SYNCPAR": null });
    expect(report.steps.find((s) => s.id === "auth")?.fix).toMatch(/X3_USER and X3_PASSWORD/);
    expect(JSON.stringify(report)).not.toContain("wrong");
  });

  it("says when X3's certificate is not trusted", async () => {
    const gateway = testGateway(emulator.url, folder, { ca: undefined });
    const report = await checkX3Connection(gateway);
    await gateway.close();
    expect(outcome(report)).toMatchObject({ reach: true, tls: false, auth: null });
    expect(report.steps.find((s) => s.id === "tls")?.fix).toMatch(/X3_CA_FILE/);
  });

  it("says when nothing answers", async () => {
    const gateway = testGateway("https://127.0.0.1:1", folder, { connectTimeoutMs: 1000 });
    const report = await checkX3Connection(gateway);
    await gateway.close();
    expect(outcome(report)).toMatchObject({ reach: false, tls: null, auth: null });
    expect(report.steps[0]?.fix).toMatch(/X3_BASE_URL/);
  });

  it("names a class that is not published", async () => {
    const gateway = testGateway(emulator.url, folder, { classes: { SYNCDATA: { className: "ZSYNCDATA" } } });
    const report = await checkX3Connection(gateway);
    await gateway.close();
    expect(outcome(report)).toMatchObject({ auth: true, "class:SYNCPAR": true, "class:SYNCDATA": false });
    expect(report.steps.find((s) => s.id === "class:SYNCDATA")?.fix).toMatch(/class ZSYNCDATA with representation SYNCDATA/);
  });
});
