import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import { allFlags, FLAGS } from "../../src/core/flags";
import { PANE_CACHE_KEY } from "../../src/core/paneCache";
import { evaluatePrerequisites } from "../../src/core/prerequisites";
import { ApiClient, devTokenSource } from "../../src/taskpane/api";
import { SetupPane } from "../../src/taskpane/components/SetupPane";
import { createI18n } from "../../src/taskpane/i18n";
import { fakeServer, type FakeServer, MemorySettings, setupOf } from "./fakeServer";
import { cached, renderPane } from "./renderPane";

const sw = (label: string) => screen.getByRole("switch", { name: label });

/** Holds every request to the server until the returned function is called (inside act). */
function holdRequests(server: FakeServer): () => Promise<void> {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const fetchThrough = server.fetch;
  server.fetch = async (url, init) => {
    await gate;
    return fetchThrough(url, init);
  };
  return async () => open();
}

/** Confirms the deletion dialog (a lazy chunk) and waits until the pane is interactive again. */
async function confirmDeletion(user: ReturnType<typeof userEvent.setup>, name = "Turn deletion on") {
  await user.click(await screen.findByRole("button", { name }, { timeout: 10_000 }));
  await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
  await screen.findByRole("button", { name: "Save" });
}

describe("the setup pane", () => {
  it("shows the 23 flags by their GESSYP labels, with their field codes, and says why X3 calls cannot be created", async () => {
    renderPane(fakeServer(), new MemorySettings());
    await screen.findByText("John Smith");
    expect(screen.getAllByRole("switch")).toHaveLength(23);
    for (const f of FLAGS) {
      const s = sw(f.label);
      expect(s).toHaveProperty("checked", false);
      expect(document.getElementById(s.getAttribute("aria-describedby") ?? "")?.textContent).toBe(f.code);
    }
    expect(screen.getByText(/Outlook has no call item/)).toBeTruthy();
    expect(screen.getByText("CLLADXCRE")).toBeTruthy();
    for (const entity of ["Contacts", "Tasks", "Calls", "Appointments"]) {
      const section = screen.getByRole("region", { name: entity });
      expect(within(section).getByRole("group", { name: "In Outlook (from X3)" })).toBeTruthy();
      expect(within(section).getByRole("group", { name: "In X3 (from Outlook)" })).toBeTruthy();
    }
    expect(screen.getByTestId("user-code").textContent).toBe("JSMITH");
  });

  it("renders at once from roaming settings, before the server answers", async () => {
    const server = fakeServer(setupOf({ ...allFlags(false), TSKOTKCRE: true }, 4));
    const release = holdRequests(server);
    renderPane(server, new MemorySettings({ [PANE_CACHE_KEY]: cached({ version: 4, flags: { ...allFlags(false), TSKOTKCRE: true } }) }));
    expect(sw("Create Outlook task")).toHaveProperty("checked", true);
    expect(screen.getByRole("status").textContent).toMatch(/last saved setup/);
    await act(release);
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Saved to X3 at/));
  });

  it("keeps an edit made from the cache before the server answered, merged on top of the server's setup", async () => {
    // The server moved on (an edit in GESSYP) since the cache was written.
    const server = fakeServer(setupOf({ ...allFlags(false), TSKOTKCRE: true, BAPOTKCRE: true }, 5));
    const release = holdRequests(server);
    renderPane(server, new MemorySettings({ [PANE_CACHE_KEY]: cached({ version: 4, flags: { ...allFlags(false), TSKOTKCRE: true } }) }));
    const user = userEvent.setup();
    await user.click(sw("Create X3 contact"));
    await act(release);
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Saved to X3 at/));
    expect(sw("Create X3 contact")).toHaveProperty("checked", true); // mine, kept
    expect(sw("Create Outlook appt.")).toHaveProperty("checked", true); // theirs, taken
    expect(screen.getByTestId("dirty").textContent).toBe("1 unsaved change");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(server.puts).toHaveLength(1));
    expect(server.puts[0]).toEqual({ flags: { ...allFlags(false), TSKOTKCRE: true, BAPOTKCRE: true, CORADXCRE: true }, ifMatch: '"5"' });
  });

  it("drops the first load's answer when a save made meanwhile is newer", async () => {
    const server = fakeServer(setupOf(allFlags(false), 4));
    const realFetch = server.fetch;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = false;
    server.fetch = async (url, init) => {
      if (!held && url === "/api/v1/setups/JSMITH" && (init?.method ?? "GET") === "GET") {
        held = true;
        const answer = await realFetch(url, init); // version 4, read now…
        await gate; // …answered after the save
        return answer;
      }
      return realFetch(url, init);
    };
    const settings = new MemorySettings({ [PANE_CACHE_KEY]: cached({ version: 4 }) });
    renderPane(server, settings);
    const user = userEvent.setup();
    await waitFor(() => expect(held).toBe(true));
    await user.click(sw("Create Outlook task"));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(server.setup.version).toBe(5));
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Saved to X3 at/));
    await act(async () => release());
    await new Promise((r) => setTimeout(r, 50));
    expect(sw("Create Outlook task")).toHaveProperty("checked", true);
    expect(screen.queryByTestId("dirty")).toBeNull();
    expect(settings.saved.get(PANE_CACHE_KEY)).toMatchObject({ version: 5, flags: { TSKOTKCRE: true } });
  });

  it("keeps an edit made while a change restored at open meets a 412", async () => {
    // Sent from a closed pane on version 4; the administrator saved version 5 meanwhile.
    const server = fakeServer(setupOf({ ...allFlags(false), BAPOTKCRE: true }, 5));
    const release = holdRequests(server);
    const pending = { userCode: "JSMITH", flags: { ...allFlags(false), CORADXCRE: true }, baseVersion: 4, baseFlags: allFlags(false), since: "2026-11-27T08:00:00.000Z" };
    renderPane(server, new MemorySettings({ [PANE_CACHE_KEY]: cached({ version: 4, pending }) }));
    const user = userEvent.setup();
    await user.click(sw("Update Outlook task"));
    await act(release);
    await waitFor(() => expect(server.setup.version).toBe(6));
    expect(server.puts.map((p) => p.ifMatch)).toEqual(['"4"', '"5"']);
    expect(server.setup.flags).toMatchObject({ CORADXCRE: true, BAPOTKCRE: true, TSKOTKUPD: false });
    await waitFor(() => expect(screen.getByTestId("dirty").textContent).toBe("1 unsaved change"));
    expect(sw("Update Outlook task")).toHaveProperty("checked", true);
    expect(sw("Create X3 contact")).toHaveProperty("checked", true);
  });

  it("brings a pinned pane's status up to date when the item changes, never undoing a newer save", async () => {
    const server = fakeServer(setupOf(allFlags(false), 1, "pending"));
    let itemChanged: () => void = () => undefined;
    const fetchNow = (u: string, i?: RequestInit) => server.fetch(u, i);
    const api = new ApiClient(devTokenSource("jsmith@contoso.com", fetchNow), fetchNow);
    render(
      <I18nextProvider i18n={createI18n("en")}>
        <FluentProvider theme={webLightTheme}>
          <SetupPane
            api={api}
            settings={new MemorySettings()}
            mailbox="jsmith@contoso.com"
            onItemChanged={(handler) => {
              itemChanged = handler;
              return () => undefined;
            }}
          />
        </FluentProvider>
      </I18nextProvider>,
    );
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Waiting for X3/));

    // X3 took it meanwhile: the next item change shows it.
    server.setup = setupOf(allFlags(false), 1, "delivered");
    await act(async () => itemChanged());
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Saved to X3 at/));

    // A refresh answered late, after a save: its older version is dropped.
    let answer!: (r: Response) => void;
    const late = new Promise<Response>((r) => (answer = r));
    const stale = await server.fetch("/api/v1/setups/JSMITH");
    const realFetch = server.fetch;
    let held = false;
    server.fetch = async (url, init) => {
      if (!held && url === "/api/v1/setups/JSMITH" && (init?.method ?? "GET") === "GET") {
        held = true;
        return late;
      }
      return realFetch(url, init);
    };
    await act(async () => itemChanged());
    await waitFor(() => expect(held).toBe(true));
    await user.click(sw("Create Outlook task"));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(server.setup.version).toBe(2));
    await act(async () => answer(stale));
    await new Promise((r) => setTimeout(r, 50));
    expect(sw("Create Outlook task")).toHaveProperty("checked", true);
    expect(screen.getByRole("status").textContent).toMatch(/Saved to X3 at/);
  });

  it("saves a change: to roaming settings, to the server with If-Match, and says it reached X3", async () => {
    const server = fakeServer();
    const settings = new MemorySettings();
    renderPane(server, settings);
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    expect(screen.getByRole("button", { name: "Save" })).toHaveProperty("disabled", true);

    await user.click(sw("Create Outlook contact"));
    expect(screen.getByTestId("dirty").textContent).toBe("1 unsaved change");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/^Saved to X3 at/));
    expect(server.puts).toEqual([{ flags: { ...allFlags(false), COROTKCRE: true }, ifMatch: '"0"' }]);
    expect(settings.saved.get(PANE_CACHE_KEY)).toMatchObject({ version: 1, flags: { COROTKCRE: true }, pending: null });
    expect(screen.queryByTestId("dirty")).toBeNull();
  });

  it("keeps the change as pending in roaming settings when the server cannot be reached, and sends it on the next open", async () => {
    const server = fakeServer();
    const settings = new MemorySettings();
    const first = renderPane(server, settings);
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    await user.click(sw("Delete X3 task"));
    await confirmDeletion(user);
    server.offline = true;
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/server cannot be reached/);
    expect(settings.saved.get(PANE_CACHE_KEY)).toMatchObject({ pending: { flags: { TSKADXDLT: true }, baseVersion: 0 } });
    expect(sw("Delete X3 task")).toHaveProperty("checked", true);
    first.unmount();

    server.offline = false;
    renderPane(server, settings);
    await waitFor(() => expect(server.puts).toHaveLength(1));
    expect(server.puts[0]).toEqual({ flags: { ...allFlags(false), TSKADXDLT: true }, ifMatch: '"0"' });
    await waitFor(() => expect(settings.saved.get(PANE_CACHE_KEY)).toMatchObject({ version: 1, pending: null }));
  });

  it("keeps the change pending when the server answers but cannot take it now (X3 unavailable)", async () => {
    const server = fakeServer();
    const settings = new MemorySettings();
    renderPane(server, settings);
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    await user.click(sw("Create X3 task"));
    server.refusePut = { status: 503, code: "x3-unavailable" };
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/X3 cannot be reached right now/);
    expect(settings.saved.get(PANE_CACHE_KEY)).toMatchObject({ pending: { flags: { TSKADXCRE: true } } });
  });

  it("merges per flag when someone else saved meanwhile, and saves on top", async () => {
    const server = fakeServer();
    renderPane(server, new MemorySettings());
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    await user.click(sw("Create X3 appt."));
    server.setup = setupOf({ ...allFlags(false), CORADXUPD: true }, 1); // the administrator, meanwhile
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/their changes were kept alongside yours/);
    await waitFor(() => expect(server.setup.version).toBe(2));
    expect(server.puts.map((p) => p.ifMatch)).toEqual(['"0"', '"1"']);
    expect(server.setup.flags).toMatchObject({ CORADXUPD: true, BAPADXCRE: true });
    expect(sw("Update X3 contact")).toHaveProperty("checked", true);
  });

  it("tells the user when Outlook cannot keep the settings, and keeps the change on screen", async () => {
    const settings = new MemorySettings();
    renderPane(fakeServer(), settings);
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    await user.click(sw("Update Outlook task"));
    settings.failNextSaves = [9057, 9057];
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/settings storage for this add-in is full/);
    expect(sw("Update Outlook task")).toHaveProperty("checked", true);
  });

  it("says when X3 rejected the change, in X3's words", async () => {
    renderPane(fakeServer(setupOf(allFlags(false), 3, "failed")), new MemorySettings());
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("X3 rejected the change: Record locked"));
  });

  it("discards edits", async () => {
    renderPane(fakeServer(), new MemorySettings());
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    await user.click(sw("Create X3 contact"));
    await user.click(screen.getByRole("button", { name: "Discard" }));
    expect(sw("Create X3 contact")).toHaveProperty("checked", false);
    expect(screen.getByRole("button", { name: "Save" })).toHaveProperty("disabled", true);
  });

  it("saves with Ctrl+S", async () => {
    const server = fakeServer();
    renderPane(server, new MemorySettings());
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    await user.click(sw("Update Outlook call"));
    await user.keyboard("{Control>}s{/Control}");
    await waitFor(() => expect(server.puts).toHaveLength(1));
  });

  it("previews what the flags on screen, saved or not, will do with X3's waiting changes", async () => {
    renderPane(fakeServer(setupOf({ ...allFlags(false), TSKOTKDLT: true }, 2)), new MemorySettings());
    const user = userEvent.setup();
    const impact = await screen.findByTestId("impact");
    await within(impact).findByText("3 task changes (deletion) made in X3 will reach Outlook; turning off “Delete Outlook task” keeps them out.");
    expect(within(impact).getByText("1 appointment change (creation) made in X3 will not reach Outlook: “Create Outlook appt.” is off.")).toBeTruthy();
    await user.click(sw("Delete Outlook task"));
    await user.click(sw("Create Outlook appt."));
    expect(within(impact).getByText("3 task changes (deletion) made in X3 will not reach Outlook: “Delete Outlook task” is off.")).toBeTruthy();
    expect(within(impact).getByText(/1 appointment change \(creation\) made in X3 will reach Outlook/)).toBeTruthy();
  });

  it("says plainly what X3 does not publish to the add-in, without claiming the prerequisites are met", async () => {
    const server = fakeServer();
    server.prerequisites = evaluatePrerequisites({ userParameters: "not-published", folderParameters: "not-published" });
    server.syncDataUnpublished = true;
    renderPane(server, new MemorySettings());
    const box = await screen.findByTestId("prerequisites");
    expect(box.textContent).toMatch(/^Whether synchronization can run could not be checked:X3 does not publish the user and folder parameters/);
    expect(box.textContent).toMatch(/deployment guide/);
    const impact = await screen.findByTestId("impact");
    await within(impact).findByText(/X3 does not publish its waiting changes \(SYNCDATA\) to this add-in/);
    // Nothing to try again: only IT can publish it.
    expect(within(impact).queryByRole("button")).toBeNull();
    // Editing and saving are not blocked.
    expect(sw("Create X3 contact")).toHaveProperty("disabled", false);
  });

  it("tells the user what X3 lacks for synchronization to run, and disables an entity the folder does not sync", async () => {
    const server = fakeServer();
    server.prerequisites = evaluatePrerequisites({
      userParameters: { AUSCRMA: "1", AUSCRMF: "" },
      folderParameters: { CRMSYNC: true, CRMSYNCCOR: true, CRMSYNCTSK: true, CRMSYNCCLL: false, CRMSYNCBAP: true },
    });
    renderPane(server, new MemorySettings());
    const box = await screen.findByTestId("prerequisites");
    expect(box.textContent).toMatch(/no sales rep code in X3 \(Setup > Users > Users, Parameters, CRM chapter, COL group: AUSCRMF/);
    expect(box.textContent).toMatch(/Calls are not synchronized in this X3 folder: set CRMSYNCCLL to Yes/);
    expect(sw("Update X3 call")).toHaveProperty("disabled", true);
    expect(sw("Update X3 task")).toHaveProperty("disabled", false);
    expect(screen.getByText("Not synchronized in this X3 folder (CRMSYNCCLL is No).")).toBeTruthy();
  });

  it("shows a flag locked by company policy as disabled, with the reason", async () => {
    const locked = { ...setupOf(allFlags(false), 1), locks: { CORADXDLT: { value: false, reason: "IT policy 12" } } };
    renderPane(fakeServer(locked), new MemorySettings());
    await screen.findByText("John Smith");
    const s = sw("Delete X3 contact");
    expect(s).toHaveProperty("disabled", true);
    const described = (s.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent);
    expect(described).toEqual(["CORADXDLT", "Locked by company policy: IT policy 12"]);
  });

  it("lets an administrator test the connection to X3, step by step", async () => {
    const server = fakeServer();
    server.administrator = true;
    renderPane(server, new MemorySettings());
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Test the connection" }));
    const check = screen.getByTestId("x3-check");
    await within(check).findByText(/401/);
    expect(check.textContent).toMatch(/Sign-in to X3: failed — 401Check X3_USER and X3_PASSWORD\./);
    expect(check.textContent).toMatch(/Table SYNCPAR: not tried/);
  });

  it("shows no connection test to a user who is not an administrator", async () => {
    renderPane(fakeServer(), new MemorySettings());
    await screen.findByText("John Smith");
    expect(screen.queryByRole("button", { name: "Test the connection" })).toBeNull();
  });

  it("says when X3 lost the setup, and lets the user write it again unchanged", async () => {
    const lost = setupOf({ ...allFlags(false), COROTKCRE: true }, 3);
    const server = fakeServer({ ...lost, x3: { confirmed: false, lastConfirmedAt: null, missing: true } });
    renderPane(server, new MemorySettings());
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/X3 holds no setup for you any more/));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(server.puts).toEqual([{ flags: lost.flags, ifMatch: '"3"' }]));
  });

  it("speaks French, with the field codes unchanged", async () => {
    renderPane(fakeServer(), new MemorySettings(), "fr");
    await screen.findByText("John Smith");
    expect(sw("Créer contact Outlook")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Enregistrer" })).toBeTruthy();
    expect(screen.getByText("COROTKCRE")).toBeTruthy();
  });
});
