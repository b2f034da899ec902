/** What the pane says of X3's prerequisites: never "all met" when they could not be checked. */
import { evaluatePrerequisites } from "../../src/core/prerequisites";

const allOn = { CRMSYNC: true, CRMSYNCCOR: true, CRMSYNCTSK: true, CRMSYNCCLL: true, CRMSYNCBAP: true };

describe("prerequisites", () => {
  it("are met when X3 says so", () => {
    expect(evaluatePrerequisites({ userParameters: { AUSCRMA: "1", AUSCRMF: "REP01" }, folderParameters: allOn }).problems).toEqual([]);
  });

  it("say X3 could not be asked when it did not answer", () => {
    expect(evaluatePrerequisites({ userParameters: null, folderParameters: allOn }).problems).toEqual([{ code: "x3-unreachable" }]);
  });

  it("say X3 does not publish them, not that they are met, when SOAP has no class for them", () => {
    const p = evaluatePrerequisites({ userParameters: "not-published", folderParameters: "not-published" });
    expect(p.problems).toEqual([{ code: "x3-not-published" }]);
    expect(p).toMatchObject({ salesFunction: null, salesRep: null, folderSync: null });
  });

  it("check what is published and say what is not", () => {
    const p = evaluatePrerequisites({ userParameters: "not-published", folderParameters: { ...allOn, CRMSYNCTSK: false } });
    expect(p.problems).toEqual([{ code: "x3-not-published" }, { code: "entity-off", entity: "task", parameter: "CRMSYNCTSK" }]);
  });
});
