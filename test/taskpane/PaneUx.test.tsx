/**
 * What a sales rep sees and does in the pane (issue 3): plain-language sentences that follow the flags,
 * deletions that need consent, "all" toggles, presets previewed before anything is saved, help popovers,
 * and an administrator opening someone else's setup.
 */
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import { allFlags, FLAGS } from "../../src/core/flags";
import { evaluatePrerequisites } from "../../src/core/prerequisites";
import { ApiClient, devTokenSource } from "../../src/taskpane/api";
import { SetupPane } from "../../src/taskpane/components/SetupPane";
import { createI18n, type Language } from "../../src/taskpane/i18n";
import { fakeServer, type FakeServer, MemorySettings, setupOf } from "./fakeServer";

jest.setTimeout(30_000);

function renderPane(server: FakeServer, language: Language = "en") {
  const api = new ApiClient(devTokenSource("jsmith@contoso.com", server.fetch), server.fetch);
  return render(
    <I18nextProvider i18n={createI18n(language)}>
      <FluentProvider theme={webLightTheme}>
        <SetupPane api={api} settings={new MemorySettings()} mailbox="jsmith@contoso.com" />
      </FluentProvider>
    </I18nextProvider>,
  );
}

const sw = (label: string) => screen.getByRole("switch", { name: label });
const checked = (label: string) => (sw(label) as HTMLInputElement).checked;
const section = (name: string) => screen.getByRole("region", { name });

/** Waits until a closed dialog has given the page back (Fluent hides the page while a modal is open). */
async function dialogClosed() {
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
  await screen.findByRole("button", { name: "Save" });
}

async function ready(server = fakeServer(), language: Language = "en") {
  renderPane(server, language);
  await screen.findByText("John Smith");
  return { server, user: userEvent.setup() };
}

describe("plain-language sentences", () => {
  it("say what happens for each entity, and follow the flags as they change", async () => {
    const { user } = await ready();
    const appointments = () => within(section("Appointments")).getByTestId("sentences-appointment").textContent;
    expect(appointments()).toContain("Nothing you do to appointments in Outlook reaches X3.");
    await user.click(sw("Create X3 appt."));
    expect(appointments()).toContain(
      "Appointments you create in Outlook are created in X3; changing or deleting one in Outlook does not update or delete it in X3.",
    );
    await user.click(sw("Update X3 appt."));
    expect(appointments()).toContain(
      "Appointments you create or change in Outlook are created or updated in X3; deleting one in Outlook does not delete it in X3.",
    );
  });

  it("tell that X3 calls go to Outlook's task list and are never created from Outlook", async () => {
    await ready();
    expect(within(section("Calls")).getByTestId("sentences-call").textContent).toMatch(/task list.*cannot be created from Outlook/);
  });

  it("are French in French", async () => {
    const { user } = await ready(fakeServer(), "fr");
    const appointments = () => screen.getByTestId("sentences-appointment").textContent;
    expect(appointments()).toContain("Aucune création, modification ou suppression de rendez-vous faite dans Outlook n'est reportée dans X3.");
    await user.click(sw("Créer RDV X3"));
    await user.click(sw("Modifier RDV X3"));
    expect(appointments()).toContain(
      "Les créations et modifications de rendez-vous faites dans Outlook sont reportées dans X3 ; les suppressions ne le sont pas.",
    );
  });
});

describe("deletions need the user's consent", () => {
  it("names the consequence, and turns the flag on only when confirmed", async () => {
    const { server, user } = await ready();
    await user.click(sw("Delete X3 contact"));
    const dialog = await screen.findByRole("alertdialog", {}, { timeout: 10_000 });
    expect(within(dialog).getByText("Deleting a contact in Outlook will delete it in X3.")).toBeTruthy();
    expect(checked("Delete X3 contact")).toBe(false);

    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await dialogClosed();
    expect(checked("Delete X3 contact")).toBe(false);
    expect(screen.queryByTestId("dirty")).toBeNull();

    await user.click(sw("Delete X3 contact"));
    await user.click(await screen.findByRole("button", { name: "Turn deletion on" }));
    await dialogClosed();
    expect(checked("Delete X3 contact")).toBe(true);
    expect(server.puts).toHaveLength(0); // consent is not a save
  });

  it("Escape cancels", async () => {
    const { user } = await ready();
    await user.click(sw("Delete Outlook task"));
    const dialog = await screen.findByRole("alertdialog", {}, { timeout: 10_000 });
    expect(within(dialog).getByText("Deleting a task in X3 will delete it in Outlook.")).toBeTruthy();
    await user.keyboard("{Escape}");
    await dialogClosed();
    expect(checked("Delete Outlook task")).toBe(false);
  });

  it("asks nothing to turn a deletion off", async () => {
    const { user } = await ready(fakeServer(setupOf({ ...allFlags(false), CORADXDLT: true }, 1)));
    await user.click(sw("Delete X3 contact"));
    expect(checked("Delete X3 contact")).toBe(false);
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("keeps a warning in view while an entity deletes both ways", async () => {
    const { user } = await ready(fakeServer(setupOf({ ...allFlags(false), CORADXDLT: true }, 1)));
    expect(screen.queryByTestId("both-ways-contact")).toBeNull();
    await user.click(sw("Delete Outlook contact"));
    await user.click(await screen.findByRole("button", { name: "Turn deletion on" }, { timeout: 10_000 }));
    await dialogClosed();
    expect(screen.getByTestId("both-ways-contact").textContent).toMatch(/Deletions go both ways for contacts/);
    await user.click(sw("Delete X3 contact"));
    expect(screen.queryByTestId("both-ways-contact")).toBeNull();
  });
});

describe("all toggles", () => {
  it("a row toggle sets every flag of the entity, asking first for its deletions", async () => {
    const { user } = await ready();
    await user.click(screen.getByRole("checkbox", { name: "All — Contacts" }));
    const dialog = await screen.findByRole("alertdialog", {}, { timeout: 10_000 });
    expect(within(dialog).getAllByRole("listitem")).toHaveLength(2);
    await user.click(within(dialog).getByRole("button", { name: "Turn deletions on" }));
    await dialogClosed();
    const contacts = FLAGS.filter((f) => f.entity === "contact");
    expect(contacts.every((f) => checked(f.label))).toBe(true);
    expect(FLAGS.filter((f) => f.entity !== "contact").some((f) => checked(f.label))).toBe(false);
    expect(screen.getByRole("checkbox", { name: "All — Contacts" })).toHaveProperty("checked", true);

    // All on → all off, without a question.
    await user.click(screen.getByRole("checkbox", { name: "All — Contacts" }));
    expect(contacts.some((f) => checked(f.label))).toBe(false);
  });

  it("a column toggle sets one action on one side for every entity, and shows mixed states", async () => {
    const { user } = await ready(fakeServer(setupOf({ ...allFlags(false), COROTKCRE: true }, 1)));
    const column = screen.getByRole("checkbox", { name: "Create in Outlook, all entities" });
    expect((column as HTMLInputElement).indeterminate).toBe(true);
    await user.click(column);
    expect(["Create Outlook contact", "Create Outlook task", "Create Outlook call", "Create Outlook appt."].every(checked)).toBe(true);
    expect(checked("Create X3 contact")).toBe(false);
    expect(screen.getByTestId("dirty").textContent).toBe("3 unsaved changes");
  });

  it("leaves locked flags and entities the X3 folder does not synchronize alone", async () => {
    const server = fakeServer({ ...setupOf(allFlags(false), 1), locks: { TSKOTKCRE: { value: false, reason: "Tasks come from the CRM only" } } });
    server.prerequisites = evaluatePrerequisites({
      userParameters: { AUSCRMA: "1", AUSCRMF: "REP01" },
      folderParameters: { CRMSYNC: true, CRMSYNCCOR: true, CRMSYNCTSK: true, CRMSYNCCLL: false, CRMSYNCBAP: true },
    });
    const { user } = await ready(server);
    await screen.findByText(/CRMSYNCCLL is No/);
    await user.click(screen.getByRole("checkbox", { name: "Create in Outlook, all entities" }));
    expect(checked("Create Outlook contact")).toBe(true);
    expect(checked("Create Outlook appt.")).toBe(true);
    expect(checked("Create Outlook task")).toBe(false);
    expect(checked("Create Outlook call")).toBe(false);
    expect(sw("Create Outlook call")).toHaveProperty("disabled", true);
  });
});

describe("presets", () => {
  it("show the resulting changes, apply them to the screen only, and the user saves", async () => {
    const { server, user } = await ready(fakeServer(setupOf({ ...allFlags(true) }, 3)));
    await user.click(screen.getByRole("button", { name: "Presets…" }));
    const dialog = await screen.findByRole("dialog", {}, { timeout: 10_000 });
    expect(within(dialog).getByRole("button", { name: "Apply (then save)" })).toHaveProperty("disabled", true);
    await user.click(within(dialog).getByRole("radio", { name: /Never delete/ }));
    const changes = within(dialog).getByTestId("preset-changes");
    expect(within(changes).getAllByRole("listitem")).toHaveLength(8);
    expect(changes.textContent).toContain("Delete X3 contact (CORADXDLT): On → Off");
    await user.click(within(dialog).getByRole("radio", { name: /Two-way/ }));
    expect(within(dialog).getByText("Your setup already matches this preset.")).toBeTruthy();
    await user.click(within(dialog).getByRole("radio", { name: /Never delete/ }));
    await user.click(within(dialog).getByRole("button", { name: "Apply (then save)" }));
    await dialogClosed();
    expect(FLAGS.every((f) => checked(f.label) === (f.action !== "delete"))).toBe(true);
    expect(server.puts).toHaveLength(0);
    expect(screen.getByTestId("dirty").textContent).toBe("8 unsaved changes");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(server.puts).toHaveLength(1));
  });

  it("spell out the deletions a preset turns on before it is applied", async () => {
    const { user } = await ready();
    await user.click(screen.getByRole("button", { name: "Presets…" }));
    const dialog = await screen.findByRole("dialog", {}, { timeout: 10_000 });
    await user.click(within(dialog).getByRole("radio", { name: /Outlook → X3 only/ }));
    expect(within(dialog).getByText("Deleting a contact in Outlook will delete it in X3.")).toBeTruthy();
    expect(within(dialog).queryByText("Deleting a contact in X3 will delete it in Outlook.")).toBeNull();
  });
});

describe("help", () => {
  it("each flag has an info button that opens the GESSYP help text", async () => {
    const { user } = await ready();
    expect(screen.getAllByRole("button", { name: /^About “/ })).toHaveLength(23);
    const info = screen.getByRole("button", { name: "About “Create X3 contact”" });
    await user.click(info);
    const help = await screen.findByText(/temporary data used to store in Sage X3/, {}, { timeout: 10_000 });
    expect(help).toBeTruthy();
    expect(info.getAttribute("aria-expanded")).toBe("true");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByText(/temporary data used to store in Sage X3/)).toBeNull());
    expect(document.activeElement).toBe(info);
  });
});

describe("administrators", () => {
  function withLdupont(server: FakeServer) {
    server.administrator = true;
    server.others.set("LDUPONT", {
      user: { code: "LDUPONT", name: "Louise Dupont", email: "ldupont@contoso.com", language: "FRA" },
      setup: { ...setupOf({ ...allFlags(false), BAPOTKCRE: true }, 2), userCode: "LDUPONT" },
      prerequisites: evaluatePrerequisites({
        userParameters: { AUSCRMA: "1", AUSCRMF: null },
        folderParameters: { CRMSYNC: true, CRMSYNCCOR: true, CRMSYNCTSK: true, CRMSYNCCLL: true, CRMSYNCBAP: true },
      }),
    });
    return server;
  }

  it("open another user's setup from the header, see what X3 lacks for them, and save it", async () => {
    const server = withLdupont(fakeServer());
    const { user } = await ready(server);
    await user.click(sw("Create Outlook contact")); // an unsaved edit of one's own setup
    const picker = await screen.findByRole("combobox", { name: /Open the setup of/ }, { timeout: 10_000 });
    await user.clear(picker);
    await user.type(picker, "dupont");
    await user.click(await screen.findByRole("option", { name: /Louise Dupont \(LDUPONT\)/ }, { timeout: 5000 }));

    await waitFor(() => expect(screen.getByTestId("user-code").textContent).toBe("LDUPONT"));
    await waitFor(() => expect(checked("Create Outlook appt.")).toBe(true));
    expect(screen.getByTestId("prerequisites").textContent).toMatch(/This user has no sales rep code in X3.*AUSCRMF/);
    await user.click(sw("Update Outlook appt."));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(server.others.get("LDUPONT")!.setup.version).toBe(3));
    expect(server.others.get("LDUPONT")!.setup.flags.BAPOTKUPD).toBe(true);
    expect(server.puts).toHaveLength(0); // JSMITH's setup was not touched

    // An unsaved edit of LDUPONT's setup, then back to one's own: both unsaved edits survive the switches.
    await user.click(sw("Delete X3 appt."));
    await user.click(await screen.findByRole("button", { name: "Turn deletion on" }, { timeout: 10_000 }));
    await dialogClosed();
    await user.click(screen.getByRole("button", { name: /Back to my own setup/ }));
    await waitFor(() => expect(screen.getByTestId("user-code").textContent).toBe("JSMITH"));
    expect(checked("Create Outlook contact")).toBe(true);
    expect(screen.getByTestId("dirty").textContent).toBe("1 unsaved change");

    const again = screen.getByRole("combobox", { name: /Open the setup of/ });
    await user.clear(again);
    await user.type(again, "LDUP");
    await user.click(await screen.findByRole("option", { name: /Louise Dupont \(LDUPONT\)/ }, { timeout: 5000 }));
    await waitFor(() => expect(screen.getByTestId("user-code").textContent).toBe("LDUPONT"));
    expect(checked("Delete X3 appt.")).toBe(true);
    expect(screen.getByTestId("dirty").textContent).toBe("1 unsaved change");
  });

  it("say they are an administrator beside their own name, never beside the user whose setup they opened", async () => {
    const server = withLdupont(fakeServer());
    const { user } = await ready(server);
    const header = () => screen.getByTestId("user-name").parentElement!;
    await waitFor(() => expect(within(header()).queryByText("Administrator")).not.toBeNull());
    const picker = await screen.findByRole("combobox", { name: /Open the setup of/ }, { timeout: 10_000 });
    await user.clear(picker);
    await user.type(picker, "dupont");
    await user.click(await screen.findByRole("option", { name: /Louise Dupont \(LDUPONT\)/ }, { timeout: 5000 }));
    await waitFor(() => expect(screen.getByTestId("user-code").textContent).toBe("LDUPONT"));
    expect(header().textContent).toBe("Setup forLouise DupontLDUPONT");
    expect(screen.queryByText("Administrator")).toBeNull();
  });

  it("a user who is not an administrator has no picker", async () => {
    const server = fakeServer();
    await ready(server);
    // /me has answered (the status is the server's) and says: not an administrator.
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Not saved to X3 yet/));
    expect(server.requests).toContain("GET /api/v1/me");
    expect(screen.queryByText("Administrator")).toBeNull();
    expect(screen.queryByRole("combobox")).toBeNull();
  });
});

describe("a user X3 has no setup for yet", () => {
  it("is told so, sees the defaults, and may save them to create the setup in X3", async () => {
    const fresh = setupOf(allFlags(false), 0);
    const server = fakeServer({ ...fresh, x3: { ...fresh.x3, missing: true } });
    const { user } = await ready(server);
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("X3 has no setup for you yet: these are the defaults. Save to create it."));
    const save = screen.getByRole("button", { name: "Save" });
    expect(save.hasAttribute("disabled")).toBe(false);
    expect(screen.getByRole("button", { name: "Discard" }).hasAttribute("disabled")).toBe(true);
    await user.click(save);
    await waitFor(() => expect(server.puts).toEqual([{ flags: allFlags(false), ifMatch: '"0"' }]));
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Saved to X3 at/));
  });
});

describe("history", () => {
  it("shows who changed what and when, and goes back to the setup", async () => {
    const server = fakeServer(setupOf({ ...allFlags(false), COROTKCRE: true }, 1));
    server.history = [{ version: 1, at: "2026-11-27T09:00:00.000Z", actor: "jsmith@contoso.com", source: "pane", changes: [{ code: "COROTKCRE", from: false, to: true }] }];
    const { user } = await ready(server);
    await user.click(screen.getByRole("button", { name: "History" }));
    await screen.findAllByText(/Create Outlook contact \(COROTKCRE\): Off → On/, {}, { timeout: 10_000 });
    expect(screen.queryByRole("switch")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Back to the setup" }));
    expect(screen.getAllByRole("switch")).toHaveLength(23);
  });
});
