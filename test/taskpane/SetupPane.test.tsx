import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import { allFlags, FLAGS } from "../../src/core/flags";
import { PANE_CACHE_KEY, type PaneCache } from "../../src/core/paneCache";
import { ApiClient, devTokenSource } from "../../src/taskpane/api";
import { SetupPane } from "../../src/taskpane/components/SetupPane";
import { createI18n, type Language } from "../../src/taskpane/i18n";
import { fakeServer, type FakeServer, MemorySettings, setupOf } from "./fakeServer";

function renderPane(server: FakeServer, settings: MemorySettings, language: Language = "en") {
  const api = new ApiClient(devTokenSource("jsmith@contoso.com", server.fetch), server.fetch);
  return render(
    <I18nextProvider i18n={createI18n(language)}>
      <FluentProvider theme={webLightTheme}>
        <SetupPane api={api} settings={settings} mailbox="jsmith@contoso.com" />
      </FluentProvider>
    </I18nextProvider>,
  );
}

const cached = (over: Partial<PaneCache> = {}): PaneCache => ({
  schema: 1,
  userCode: "JSMITH",
  userName: "John Smith",
  flags: allFlags(false),
  version: 0,
  seenAt: "2026-11-27T08:00:00.000Z",
  pending: null,
  ...over,
});

const sw = (label: string) => screen.getByRole("switch", { name: label });

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
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowFetch = server.fetch;
    server.fetch = async (url, init) => {
      await gate;
      return slowFetch(url, init);
    };
    renderPane(server, new MemorySettings({ [PANE_CACHE_KEY]: cached({ version: 4, flags: { ...allFlags(false), TSKOTKCRE: true } }) }));
    expect(sw("Create Outlook task")).toHaveProperty("checked", true);
    expect(screen.getByRole("status").textContent).toMatch(/last saved setup/);
    await act(async () => release());
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Saved to X3 at/));
  });

  it("saves a change: to roaming settings, to the server with If-Match, and says it reached X3", async () => {
    const server = fakeServer();
    const settings = new MemorySettings();
    renderPane(server, settings);
    const user = userEvent.setup();
    await screen.findByText("John Smith");
    expect(screen.getByRole("button", { name: "Save" })).toHaveProperty("disabled", true);

    await user.click(sw("Create Outlook contact"));
    expect(screen.getByTestId("dirty").textContent).toBe("Unsaved changes");
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

  it("speaks French, with the field codes unchanged", async () => {
    renderPane(fakeServer(), new MemorySettings(), "fr");
    await screen.findByText("John Smith");
    expect(sw("Créer contact Outlook")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Enregistrer" })).toBeTruthy();
    expect(screen.getByText("COROTKCRE")).toBeTruthy();
  });
});
