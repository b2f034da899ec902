/**
 * The pane when Outlook's roaming settings fail or hold something unexpected: Office.RoamingSettings as
 * documented (test/office/fakeRoaming.ts) behind the real adapter, the server faked as in SetupPane.test.
 * What must hold: the user is told, the change stays on screen and still reaches the server, a change
 * not yet accepted is never dropped, and a value the pane cannot read costs nothing but the first paint.
 */
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { allFlags } from "../../src/core/flags";
import { PANE_CACHE_KEY, type PaneCache } from "../../src/core/paneCache";
import { RoamingSettingsStore } from "../../src/office/settingsStore";
import { FakeRoamingSettings, ROAMING_LIMIT_BYTES } from "../office/fakeRoaming";
import { fakeServer, type FakeServer, setupOf } from "./fakeServer";
import { cached, renderPane as renderWith } from "./renderPane";

const renderPane = (server: FakeServer, roaming: FakeRoamingSettings) => renderWith(server, roamingStore(roaming));

/** The real adapter over the fake, with its own retries of a 9019 shortened. */
const roamingStore = (roaming: FakeRoamingSettings) => new RoamingSettingsStore(roaming.asOffice(), [5, 10]);

/** Other keys of this add-in taking all of the 32 KB but `room` bytes. */
function filler(room: number): Record<string, string> {
  const overhead = JSON.stringify({ other: "" }).length;
  return { other: "x".repeat(ROAMING_LIMIT_BYTES - room - overhead) };
}

const sw = (label: string) => screen.getByRole("switch", { name: label });
const stored = (roaming: FakeRoamingSettings) => roaming.persisted[PANE_CACHE_KEY] as PaneCache | undefined;
const savedStatus = () => waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/^Saved to X3 at/));

async function edit(label: string) {
  const user = userEvent.setup();
  await screen.findByText("John Smith");
  await user.click(sw(label));
  return user;
}

jest.setTimeout(30_000);

describe("the pane under roaming settings failures", () => {
  it("settings full (9057): says so and what to do, keeps the change on screen, and still saves it to the server", async () => {
    const server = fakeServer();
    const roaming = new FakeRoamingSettings(filler(200));
    renderPane(server, roaming);
    const user = await edit("Create X3 task");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await savedStatus();
    expect(server.puts.map((p) => p.flags.TSKADXCRE)).toEqual([true]);
    expect(sw("Create X3 task")).toHaveProperty("checked", true);
    await screen.findByText(/settings storage for this add-in is full\. Your change is saved on the server.*tell your IT department/);
    // Nothing was written over the other keys, and nothing half-written.
    expect(roaming.persisted).toEqual(filler(200));
  });

  it("settings full and the server unreachable: the change stays pending on screen and is sent when the network returns", async () => {
    const server = fakeServer();
    const roaming = new FakeRoamingSettings(filler(200));
    renderPane(server, roaming);
    const user = await edit("Update X3 contact");
    server.offline = true;
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/cannot be kept in Outlook\. It stays on screen.*keep this pane open until the change is saved/);
    await screen.findByText(/server cannot be reached/);
    expect(sw("Update X3 contact")).toHaveProperty("checked", true);
    expect(screen.getByTestId("dirty").textContent).toBe("1 unsaved change");
    expect(server.puts).toEqual([]);

    server.offline = false;
    act(() => void window.dispatchEvent(new Event("online")));
    await savedStatus();
    expect(server.puts).toEqual([{ flags: { ...allFlags(false), CORADXUPD: true }, ifMatch: '"0"' }]);
    expect(sw("Update X3 contact")).toHaveProperty("checked", true);
  });

  it("a transient failure (9019) is retried with backoff and succeeds without a message", async () => {
    const server = fakeServer();
    const roaming = new FakeRoamingSettings();
    renderPane(server, roaming);
    const user = await edit("Update Outlook task");
    await waitFor(() => expect(stored(roaming)).toMatchObject({ version: 0 }));
    const before = roaming.attempts.length;
    roaming.failures = [9019, 9019];
    await user.click(screen.getByRole("button", { name: "Save" }));
    await savedStatus();
    await waitFor(() => expect(stored(roaming)).toMatchObject({ version: 1, pending: null, flags: { TSKOTKUPD: true } }));
    // The pending change's save took three tries; the acknowledgement's one.
    expect(roaming.attempts.length - before).toBe(4);
    expect(screen.queryByText(/Outlook could not|settings storage/)).toBeNull();
  });

  it("a failed save never loses a change on the next successful one: what is retried is the latest state", async () => {
    const server = fakeServer();
    const roaming = new FakeRoamingSettings();
    renderPane(server, roaming);
    const user = await edit("Create Outlook appt.");
    await waitFor(() => expect(stored(roaming)).toMatchObject({ version: 0 }));
    // The pending change's save fails for good (three 9019s outlast the adapter's retries), and the server is down.
    roaming.failures = [9019, 9019, 9019];
    server.offline = true;
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/Outlook could not keep your change \(Internal error\); the pane tries again/);
    expect(stored(roaming)).toMatchObject({ pending: null });
    // The pane writes again by itself (after ROAMING_RETRY_MS[0]): the change is now kept for the next open.
    await waitFor(() => expect(stored(roaming)).toMatchObject({ pending: { flags: { BAPOTKCRE: true }, baseVersion: 0 } }), { timeout: 8000 });
    await waitFor(() => expect(screen.queryByText(/Outlook could not/)).toBeNull());
    expect(sw("Create Outlook appt.")).toHaveProperty("checked", true);
  });

  it("does not resend a change the server accepted when clearing it from the settings failed", async () => {
    // The last session: the change was kept, then accepted (version 1), then someone changed another flag
    // (version 2); clearing the change from the settings had failed, so it is still there as pending.
    const pending = { userCode: "JSMITH", flags: { ...allFlags(false), CORADXCRE: true }, baseVersion: 0, baseFlags: allFlags(false), since: "2026-11-27T08:00:00.000Z" };
    const server = fakeServer(setupOf({ ...allFlags(false), CORADXCRE: true, TSKOTKCRE: true }, 2));
    const roaming = new FakeRoamingSettings({ [PANE_CACHE_KEY]: cached({ pending }) });
    renderPane(server, roaming);
    await savedStatus();
    await waitFor(() => expect(stored(roaming)).toMatchObject({ version: 2, pending: null }));
    expect(server.puts).toEqual([]);
    expect(screen.queryByText(/not sent yet/)).toBeNull();
    expect(sw("Create Outlook task")).toHaveProperty("checked", true);
  });
});

describe("the pane with an unexpected value in roaming settings", () => {
  it("a corrupted value is nothing cached: the pane loads from the server and replaces it", async () => {
    for (const bad of ["{\"schema\":1,\"userCo", { ...cached(), flags: { COROTKCRE: "yes" } }, 42]) {
      const server = fakeServer(setupOf({ ...allFlags(false), TSKOTKCRE: true }, 3));
      const roaming = new FakeRoamingSettings({ [PANE_CACHE_KEY]: bad });
      const view = renderPane(server, roaming);
      await savedStatus();
      expect(sw("Create Outlook task")).toHaveProperty("checked", true);
      await waitFor(() => expect(stored(roaming)).toMatchObject({ schema: 1, version: 3, pending: null }));
      view.unmount();
    }
  });

  it("a value from an older version, with a change it had not sent, is shown at once and the change is sent", async () => {
    const server = fakeServer(setupOf(allFlags(false), 2));
    // As the zod-based version wrote it (dates to the second are ISO too).
    const old = cached({
      version: 2,
      seenAt: "2026-11-20T08:00:00Z",
      pending: { userCode: "JSMITH", flags: { ...allFlags(false), BAPADXUPD: true }, baseVersion: 2, baseFlags: allFlags(false), since: "2026-11-20T08:01:00Z" },
    });
    const roaming = new FakeRoamingSettings({ [PANE_CACHE_KEY]: old });
    renderPane(server, roaming);
    expect(sw("Update X3 appt.")).toHaveProperty("checked", true);
    await waitFor(() => expect(server.puts).toEqual([{ flags: { ...allFlags(false), BAPADXUPD: true }, ifMatch: '"2"' }]));
    await waitFor(() => expect(stored(roaming)).toMatchObject({ schema: 1, version: 3, pending: null }));
  });

  it("a value from a later version is read, and left as it is while the pane has no change to keep", async () => {
    const later = { ...cached({ version: 3, flags: { ...allFlags(false), CORADXUPD: true } }), schema: 2, layout: "compact" };
    const server = fakeServer(setupOf({ ...allFlags(false), CORADXUPD: true }, 3));
    const roaming = new FakeRoamingSettings({ [PANE_CACHE_KEY]: later });
    renderPane(server, roaming);
    expect(sw("Update X3 contact")).toHaveProperty("checked", true); // its schema-1 fields, at once
    await savedStatus();
    expect(roaming.persisted[PANE_CACHE_KEY]).toEqual(later);
    // A change of the user's own must be kept: now the pane writes, in the format it knows.
    const user = userEvent.setup();
    await user.click(sw("Create X3 contact"));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await savedStatus();
    await waitFor(() => expect(stored(roaming)).toMatchObject({ schema: 1, version: 4, pending: null }));
  });

  it("a change a later version had not sent is sent, then cleared", async () => {
    const pending = { userCode: "JSMITH", flags: { ...allFlags(false), TSKOTKDLT: true }, baseVersion: 0, baseFlags: allFlags(false), since: "2026-11-27T08:00:00.000Z", origin: "v9" };
    const server = fakeServer();
    const roaming = new FakeRoamingSettings({ [PANE_CACHE_KEY]: { ...cached(), schema: 5, pending } });
    renderPane(server, roaming);
    await waitFor(() => expect(server.puts).toEqual([{ flags: { ...allFlags(false), TSKOTKDLT: true }, ifMatch: '"0"' }]));
    await waitFor(() => expect(stored(roaming)).toMatchObject({ schema: 1, version: 1, pending: null }));
  });

  it("works while other keys fill the settings up to what the pane's largest value needs", async () => {
    const server = fakeServer();
    const roaming = new FakeRoamingSettings(filler(2200));
    renderPane(server, roaming);
    const user = await edit("Create Outlook contact");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await savedStatus();
    await waitFor(() => expect(stored(roaming)).toMatchObject({ version: 1, pending: null }));
    expect(screen.queryByText(/settings storage/)).toBeNull();
    expect(roaming.largestSaved).toBeLessThanOrEqual(ROAMING_LIMIT_BYTES);
  });
});
