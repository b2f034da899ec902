/** The status line's choice of sentence and time, from the server's answer. */
import { allFlags } from "../../src/core/flags";
import type { SyncSetup } from "../../src/core/setup";
import { statusLine } from "../../src/taskpane/deliveryStatus";
import { setupOf } from "./fakeServer";

const opts = { saving: false, phase: "ready" as const, formatTime: (iso: string) => iso.slice(11, 16) };

describe("the status line", () => {
  it("shows an X3 row taken in at the time X3 last confirmed it, not when it was first read", () => {
    const fromX3: SyncSetup = {
      ...setupOf(allFlags(false), 1),
      source: "x3",
      updatedAt: "2026-12-07T22:38:00.000Z",
      delivery: { state: "delivered", version: 1, at: "2026-12-07T22:38:00.000Z", nextAttemptAt: null, message: null },
      x3: { confirmed: true, lastConfirmedAt: "2026-12-07T22:50:00.000Z", missing: false },
    };
    expect(statusLine(fromX3, opts)).toEqual({ key: "status.fromX3", params: { time: "22:50" }, tone: "success" });
  });

  it("says X3 has no setup yet for a user never saved whose row X3 lacks, and that it was removed for one saved before", () => {
    const fresh = setupOf(allFlags(false), 0);
    expect(statusLine({ ...fresh, x3: { ...fresh.x3, missing: true } }, opts)?.key).toBe("status.noSetupInX3");
    const saved = setupOf(allFlags(false), 3);
    expect(statusLine({ ...saved, x3: { ...saved.x3, missing: true } }, opts)?.key).toBe("status.missingInX3");
    // X3 not asked (or not answering): nothing is claimed about X3's row.
    expect(statusLine(fresh, opts)?.key).toBe("status.notSavedYet");
  });
});
