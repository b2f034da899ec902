import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import { allFlags } from "../../src/core/flags";
import type { HistoryEntry, SyncSetup } from "../../src/core/setup";
import { HistoryView } from "../../src/taskpane/components/HistoryView";
import { createI18n, type Language } from "../../src/taskpane/i18n";
import { deferred, historyPage, json, problem, type Recorded, setupAt, type Stub, stubServer } from "./adminFake";

const HISTORY: HistoryEntry[] = [
  { version: 1, at: "2026-11-20T12:00:00.000Z", actor: "X3", source: "x3", changes: [{ code: "COROTKCRE", from: false, to: true }] },
  {
    version: 2,
    at: "2026-11-24T12:00:00.000Z",
    actor: "marie.dupont@contoso.fr",
    source: "pane",
    changes: [
      { code: "TSKADXDLT", from: false, to: true },
      { code: "BAPOTKUPD", from: true, to: false },
    ],
  },
  { version: 3, at: "2026-11-25T12:00:00.000Z", actor: "alice.admin@contoso.com", source: "policy", changes: [{ code: "TSKADXDLT", from: true, to: false }] },
  { version: 4, at: "2026-11-26T12:00:00.000Z", actor: "policy", source: "policy", changes: [] },
  { version: 5, at: "2026-11-27T12:00:00.000Z", actor: "alice.admin@contoso.com", source: "restore", changes: [{ code: "CLLADXUPD", from: false, to: true }] },
];

const historyUrl = (page: number, pageSize: number) => `/api/v1/setups/MDUPONT/history?page=${page}&pageSize=${pageSize}`;

/** The server for MDUPONT: its history, and restores that need the current version in If-Match. */
function server(entries: HistoryEntry[] = HISTORY) {
  const state = { entries: [...entries], version: Math.max(0, ...entries.map((e) => e.version)) };
  const stub = stubServer((r: Recorded) => {
    if (r.method === "GET" && r.url.startsWith("/api/v1/setups/MDUPONT/history")) return historyPage(r.url, state.entries);
    if (r.method === "POST" && r.url === "/api/v1/setups/MDUPONT/restore") {
      if (r.headers["if-match"] !== `"${state.version}"`) return problem(412, "version-mismatch", { current: setupAt(state.version) });
      state.version += 1;
      state.entries.push({ version: state.version, at: "2026-11-28T12:00:00.000Z", actor: "alice.admin@contoso.com", source: "restore", changes: [] });
      return json(200, setupAt(state.version), { etag: `"${state.version}"` });
    }
    return problem(404, "not-found");
  });
  return { stub, state };
}

function renderHistory(
  stub: Stub,
  { administrator = true, currentVersion = 5, language = "en" as Language, pageSize = 20, onStale = undefined as ((s: SyncSetup) => void) | undefined } = {},
) {
  const onRestored = jest.fn<void, [SyncSetup]>();
  render(
    <I18nextProvider i18n={createI18n(language)}>
      <FluentProvider theme={webLightTheme}>
        <HistoryView
          api={stub.api}
          userCode="MDUPONT"
          userName="Marie Dupont"
          administrator={administrator}
          currentVersion={currentVersion}
          onRestored={onRestored}
          pageSize={pageSize}
          {...(onStale ? { onStale } : {})}
        />
      </FluentProvider>
    </I18nextProvider>,
  );
  return { onRestored };
}

const entries = () => within(screen.getByTestId("history")).getAllByRole("listitem").filter((li) => li.dataset.testid?.startsWith("history-entry-"));
const entry = (version: number) => screen.getByTestId(`history-entry-${version}`);

/** "Restore this version", then "Restore" in the confirmation, which then gives the page back. */
async function restoreEntry(user: ReturnType<typeof userEvent.setup>, version: number) {
  // A dialog that just closed gives the page back a moment later (Fluent un-hides it from assistive tech).
  await waitFor(() => expect(screen.getByTestId("history").closest('[aria-hidden="true"]')).toBeNull());
  await waitFor(() => expect(within(entry(version)).getByRole("button", { name: "Restore this version" })).toHaveProperty("disabled", false));
  await user.click(within(entry(version)).getByRole("button", { name: "Restore this version" }));
  // jsdom cannot play Fluent's motion: a dialog reopened while the last one was closing can stay "hidden" to
  // role queries (the browser tests check the real thing, with axe).
  const dialog = await screen.findByRole("alertdialog", { hidden: true }, { timeout: 5000 });
  await user.click(await within(dialog).findByRole("button", { name: "Restore", hidden: true }));
  await waitFor(() => expect(screen.queryByRole("alertdialog", { hidden: true })).toBeNull());
}
const gets = (stub: Stub) => stub.calls.filter((c) => c.method === "GET").map((c) => c.url);

describe("the history view", () => {
  it("shows who changed what and when, newest first, each flag from its old value to its new one", async () => {
    const { stub } = server();
    renderHistory(stub, { administrator: false });
    expect(screen.getByText("Loading the history…")).toBeTruthy();
    await screen.findByTestId("history-entry-5");
    expect(gets(stub)).toEqual([historyUrl(1, 20)]);
    expect(screen.getByRole("heading", { level: 2, name: "History of Marie Dupont's setup" })).toBeTruthy();
    expect(screen.queryByText("Loading the history…")).toBeNull();

    expect(entries().map((li) => li.dataset.testid)).toEqual([5, 4, 3, 2, 1].map((v) => `history-entry-${v}`));

    const two = entry(2);
    expect(within(two).getByRole("heading", { level: 3 }).querySelector("time")?.getAttribute("dateTime")).toBe("2026-11-24T12:00:00.000Z");
    expect(within(two).getByText(/Nov 24, 2026/)).toBeTruthy();
    expect(within(two).getByText("By marie.dupont@contoso.fr")).toBeTruthy();
    expect(within(two).getByText("Delete X3 task (TSKADXDLT): Off → On")).toBeTruthy();
    expect(within(two).getByText("Update Outlook appt. (BAPOTKUPD): On → Off")).toBeTruthy();
    // What a screen reader says instead of the arrow.
    expect(within(two).getByText("Delete X3 task (TSKADXDLT): from Off to On")).toBeTruthy();
    expect(within(two).getByText("Delete X3 task (TSKADXDLT): Off → On").getAttribute("aria-hidden")).toBe("true");
    // Each entry is named by its date, for navigating by list item.
    expect(two.getAttribute("aria-labelledby")).toBe(within(two).getByRole("heading").id);

    expect(within(entry(1)).getByText("Changed in X3 (GESSYP)")).toBeTruthy();
    expect(within(entry(1)).getByText("Create Outlook contact (COROTKCRE): Off → On")).toBeTruthy();
    expect(within(entry(3)).getByText("Company policy, applied by alice.admin@contoso.com")).toBeTruthy();
    expect(within(entry(4)).getByText("Company policy")).toBeTruthy();
    expect(within(entry(4)).getByText("No flag changed.")).toBeTruthy();
    expect(within(entry(5)).getByText("Restored by alice.admin@contoso.com")).toBeTruthy();
    expect(within(entry(5)).getByText("Current")).toBeTruthy();
    expect(within(entry(4)).queryByText("Current")).toBeNull();
    expect(screen.getByText("5 of 5 changes shown.")).toBeTruthy();
  });

  it("says when the setup was the initial one", async () => {
    const { stub } = server([{ version: 1, at: "2026-11-20T12:00:00.000Z", actor: "policy", source: "default", changes: [] }]);
    renderHistory(stub, { currentVersion: 1 });
    expect(await within(await screen.findByTestId("history-entry-1")).findByText("Initial setup")).toBeTruthy();
  });

  it("speaks French, dates included", async () => {
    const { stub } = server();
    renderHistory(stub, { language: "fr" });
    await screen.findByTestId("history-entry-5");
    expect(screen.getByRole("heading", { level: 2, name: "Historique du paramétrage de Marie Dupont" })).toBeTruthy();
    const two = entry(2);
    expect(within(two).getByRole("heading", { level: 3 }).textContent).toMatch(/^24 nov\. 2026/);
    expect(within(two).getByText("Par marie.dupont@contoso.fr")).toBeTruthy();
    expect(within(two).getByText("Supprimer tâche X3 (TSKADXDLT) : Désactivé → Activé")).toBeTruthy();
    expect(within(entry(1)).getByText("Modifié dans X3 (GESSYP)")).toBeTruthy();
    expect(within(entry(5)).getByText("Actuelle")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Restaurer cette version", description: within(entry(4)).getByRole("heading").textContent! })).toBeTruthy();
  });

  it("pages: “Show older” appends the next page, and goes away at the oldest", async () => {
    const { stub } = server();
    renderHistory(stub, { pageSize: 2 });
    const user = userEvent.setup();
    await screen.findByTestId("history-entry-5");
    expect(entries()).toHaveLength(2);
    expect(screen.getByText("2 of 5 changes shown.")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Show older" }));
    await screen.findByTestId("history-entry-3");
    expect(entries().map((li) => li.dataset.testid)).toEqual([5, 4, 3, 2].map((v) => `history-entry-${v}`));

    await user.click(screen.getByRole("button", { name: "Show older" }));
    await screen.findByTestId("history-entry-1");
    expect(entries().map((li) => li.dataset.testid)).toEqual([5, 4, 3, 2, 1].map((v) => `history-entry-${v}`));
    expect(gets(stub)).toEqual([historyUrl(1, 2), historyUrl(2, 2), historyUrl(3, 2)]);
    expect(screen.queryByRole("button", { name: "Show older" })).toBeNull();
  });

  it("says when nothing was recorded yet", async () => {
    const { stub } = server([]);
    renderHistory(stub, { currentVersion: 0 });
    expect(await screen.findByText("No change has been recorded for this setup yet.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Show older" })).toBeNull();
  });

  it("says when the history cannot be loaded, and tries again", async () => {
    const { stub } = server();
    const working = stub.handler;
    stub.handler = () => problem(503, "x3-unavailable");
    renderHistory(stub);
    const user = userEvent.setup();
    expect(await screen.findByText("The history cannot be loaded: X3 cannot be reached right now. Try again in a moment.")).toBeTruthy();
    stub.handler = working;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByTestId("history-entry-5");
    expect(screen.queryByText(/cannot be loaded/)).toBeNull();
  });

  it("keeps what it shows when an older page fails, and tries that page again", async () => {
    const { stub } = server();
    const working = stub.handler;
    renderHistory(stub, { pageSize: 3 });
    const user = userEvent.setup();
    await screen.findByTestId("history-entry-5");
    stub.handler = () => Promise.reject(new TypeError("Failed to fetch"));
    await user.click(screen.getByRole("button", { name: "Show older" }));
    expect(await screen.findByText("The history cannot be loaded: The server cannot be reached. Check your connection.")).toBeTruthy();
    expect(entries()).toHaveLength(3);
    stub.handler = working;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByTestId("history-entry-1");
    expect(gets(stub)).toEqual([historyUrl(1, 3), historyUrl(2, 3), historyUrl(2, 3)]);
  });

  it("lets an administrator restore an entry, from the current version (If-Match), and hands back the new setup", async () => {
    const { stub } = server();
    const { onRestored } = renderHistory(stub, { currentVersion: 5 });
    const user = userEvent.setup();
    await screen.findByTestId("history-entry-5");
    expect(within(entry(5)).queryByRole("button", { name: "Restore this version" })).toBeNull(); // the current one
    expect(screen.getAllByRole("button", { name: "Restore this version" })).toHaveLength(4);

    await restoreEntry(user, 2);
    await screen.findByText("Version 2 was restored: it is now version 6.");
    const posts = stub.calls.filter((c) => c.method === "POST");
    expect(posts).toEqual([
      { url: "/api/v1/setups/MDUPONT/restore", method: "POST", headers: expect.objectContaining({ "if-match": '"5"', "content-type": "application/json" }), body: { version: 2 } },
    ]);
    expect(onRestored).toHaveBeenCalledTimes(1);
    expect(onRestored.mock.calls[0]![0]).toMatchObject({ userCode: "MDUPONT", version: 6 });
    // Reloaded: the restore is the newest entry, and the current one.
    await screen.findByTestId("history-entry-6");
    expect(gets(stub)).toEqual([historyUrl(1, 20), historyUrl(1, 20)]);
    expect(within(entry(6)).getByText("Current")).toBeTruthy();
    expect(within(entry(6)).queryByRole("button", { name: "Restore this version" })).toBeNull();
    expect(within(entry(5)).getByRole("button", { name: "Restore this version" })).toBeTruthy();
  });

  it("says when someone changed the setup meanwhile (412), reloads, and restores from the newer version next", async () => {
    const { stub, state } = server();
    const onStale = jest.fn<void, [SyncSetup]>();
    const { onRestored } = renderHistory(stub, { currentVersion: 5, onStale });
    const user = userEvent.setup();
    await screen.findByTestId("history-entry-5");
    // Meanwhile, the user saves version 6.
    state.version = 6;
    state.entries.push({ version: 6, at: "2026-11-28T08:00:00.000Z", actor: "jsmith@contoso.com", source: "pane", changes: [{ code: "CORADXUPD", from: false, to: true }] });
    expect(screen.queryByTestId("history-entry-6")).toBeNull();

    await restoreEntry(user, 3);
    await screen.findByText("Someone changed this setup meanwhile. The history was reloaded: check it before restoring.");
    expect(onRestored).not.toHaveBeenCalled();
    expect(onStale).toHaveBeenCalledWith(expect.objectContaining({ version: 6 }));
    await screen.findByTestId("history-entry-6");
    expect(within(entry(6)).getByText("Current")).toBeTruthy();

    await restoreEntry(user, 3);
    await screen.findByText("Version 3 was restored: it is now version 7.");
    expect(stub.calls.filter((c) => c.method === "POST").map((c) => c.headers["if-match"])).toEqual(['"5"', '"6"']);
    expect(onRestored).toHaveBeenCalledWith(expect.objectContaining({ version: 7 }));
  });

  it("says when a restore is refused", async () => {
    const { stub } = server();
    const working = stub.handler;
    renderHistory(stub);
    const user = userEvent.setup();
    await screen.findByTestId("history-entry-5");
    stub.handler = (r) => (r.method === "POST" ? problem(404, "not-found") : working(r));
    await restoreEntry(user, 1);
    expect(await screen.findByText("This version can no longer be restored.")).toBeTruthy();
    stub.handler = (r) => (r.method === "POST" ? problem(503, "x3-unavailable") : working(r));
    await restoreEntry(user, 1);
    expect(await screen.findByText("The version was not restored: X3 cannot be reached right now. Try again in a moment.")).toBeTruthy();
  });

  it("disables restoring while a restore is on its way", async () => {
    const { stub } = server();
    const working = stub.handler;
    const answer = deferred<Response>();
    renderHistory(stub);
    const user = userEvent.setup();
    await screen.findByTestId("history-entry-5");
    stub.handler = (r) => (r.method === "POST" ? answer.promise : working(r));
    await restoreEntry(user, 2);
    expect(within(entry(2)).getByRole("button", { name: "Restoring…" })).toHaveProperty("disabled", true);
    expect(within(entry(1)).getByRole("button", { name: "Restore this version" })).toHaveProperty("disabled", true);
    answer.resolve(json(200, setupAt(6)));
    await screen.findByText("Version 2 was restored: it is now version 6.");
  });

  it("asks first, showing what the restore changes, the deletions it turns on and the unsaved edits it replaces", async () => {
    const { stub } = server();
    const current = { ...allFlags(false), COROTKCRE: true, CLLADXUPD: true };
    render(
      <I18nextProvider i18n={createI18n("en")}>
        <FluentProvider theme={webLightTheme}>
          <HistoryView
            api={stub.api}
            userCode="MDUPONT"
            userName="Marie Dupont"
            administrator
            currentVersion={5}
            currentFlags={current}
            unsavedChanges={2}
            onRestored={() => undefined}
          />
        </FluentProvider>
      </I18nextProvider>,
    );
    const user = userEvent.setup();
    await screen.findByTestId("history-entry-5");
    await user.click(within(entry(2)).getByRole("button", { name: "Restore this version" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Restore version 2 of Marie Dupont's setup?" });
    // Versions 5 and 3 undone: CLLADXUPD back off, TSKADXDLT back on.
    const changes = within(dialog).getByTestId("restore-changes");
    expect(within(changes).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      expect.stringContaining("Delete X3 task (TSKADXDLT): Off → On"),
      expect.stringContaining("Update X3 call (CLLADXUPD): On → Off"),
    ]);
    expect(within(dialog).getByText("Deleting a task in Outlook will delete it in X3.")).toBeTruthy();
    expect(within(dialog).getByText("2 unsaved changes on screen will be replaced.")).toBeTruthy();
    // Cancel comes first, so it takes the focus in a browser (see the browser tests): a stray Enter never restores.
    expect(within(dialog).getAllByRole("button")[0]!.textContent).toBe("Cancel");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(stub.calls.filter((c) => c.method === "POST")).toEqual([]);
  });

  it("does not offer a restore whose changes it cannot work out, and reloads when the setup moved on", async () => {
    const { stub } = server();
    const view = (currentVersion: number) => (
      <I18nextProvider i18n={createI18n("en")}>
        <FluentProvider theme={webLightTheme}>
          <HistoryView api={stub.api} userCode="MDUPONT" userName="Marie Dupont" administrator currentVersion={currentVersion} currentFlags={allFlags(false)} onRestored={() => undefined} />
        </FluentProvider>
      </I18nextProvider>
    );
    const { rerender } = render(view(5));
    const user = userEvent.setup();
    await screen.findByTestId("history-entry-5");
    expect(gets(stub)).toHaveLength(1);
    // The pane learnt of version 6 (a pinned pane's refresh): the history is asked for again, once.
    rerender(view(6));
    await waitFor(() => expect(gets(stub)).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 100));
    expect(gets(stub)).toHaveLength(2);
    // The server's history has no version 6 here: what a restore would change is unknown, so no restore.
    await user.click(within(entry(2)).getByRole("button", { name: "Restore this version" }));
    const dialog = await screen.findByRole("alertdialog", { hidden: true }, { timeout: 5000 });
    expect(within(dialog).getByText(/cannot be worked out right now/)).toBeTruthy();
    expect(within(dialog).getByRole("button", { name: "Restore", hidden: true })).toHaveProperty("disabled", true);
  });

  it("offers no restore to a user who is not an administrator", async () => {
    const { stub } = server();
    renderHistory(stub, { administrator: false });
    await screen.findByTestId("history-entry-5");
    expect(screen.queryByRole("button", { name: "Restore this version" })).toBeNull();
  });

  it("drops an answer about a user it no longer shows", async () => {
    const slow = deferred<Response>();
    const stub = stubServer((r) => (r.url.includes("/OLD/") ? slow.promise : historyPage(r.url, HISTORY)));
    const ui = (userCode: string) => (
      <I18nextProvider i18n={createI18n("en")}>
        <FluentProvider theme={webLightTheme}>
          <HistoryView api={stub.api} userCode={userCode} userName="x" administrator={false} currentVersion={5} onRestored={() => undefined} />
        </FluentProvider>
      </I18nextProvider>
    );
    const view = render(ui("OLD"));
    view.rerender(ui("MDUPONT"));
    await screen.findByTestId("history-entry-5");
    slow.resolve(historyPage(historyUrl(1, 20), [{ version: 9, at: "2026-11-20T12:00:00.000Z", actor: "X3", source: "x3", changes: [] }]));
    await new Promise((r) => setTimeout(r, 20));
    await waitFor(() => expect(screen.queryByTestId("history-entry-9")).toBeNull());
    expect(entries()).toHaveLength(5);
  });
});

describe("the history view's markup", () => {
  it("has no accessibility violations axe can find", async () => {
    const axe = (await import("axe-core")).default;
    const { stub } = server();
    renderHistory(stub, { pageSize: 3 });
    await screen.findByTestId("history-entry-5");
    const result = await axe.run(screen.getByTestId("history"), { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
  });
});
