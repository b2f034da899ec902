import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import type { X3User } from "../../src/core/setup";
import { SEARCH_DEBOUNCE_MS, UserPicker } from "../../src/taskpane/components/UserPicker";
import { createI18n, type Language } from "../../src/taskpane/i18n";
import { deferred, json, problem, type Stub, stubServer, USERS, usersPage } from "./adminFake";

const ADMIN = USERS[1]!;
const MARIE = USERS[2]!;

function renderPicker(stub: Stub, { current = ADMIN, self = ADMIN, language = "en" as Language } = {}) {
  const onSelect = jest.fn<void, [X3User]>();
  const ui = (cur: X3User) => (
    <I18nextProvider i18n={createI18n(language)}>
      <FluentProvider theme={webLightTheme}>
        <UserPicker api={stub.api} current={cur} self={self} onSelect={onSelect} />
      </FluentProvider>
    </I18nextProvider>
  );
  const view = render(ui(current));
  return { onSelect, rerender: (cur: X3User) => view.rerender(ui(cur)) };
}

const searches = (stub: Stub) => stub.calls.filter((c) => c.url.startsWith("/api/v1/users")).map((c) => c.url);
const optionNames = () => screen.queryAllByRole("option").map((o) => o.textContent);

describe("the administrators' user picker", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    act(() => jest.runOnlyPendingTimers());
    jest.useRealTimers();
  });
  const setupUser = () => userEvent.setup({ advanceTimers: (ms) => jest.advanceTimersByTime(ms) });
  /** Lets the debounce run out and the server's answer arrive. */
  const settle = async (ms = SEARCH_DEBOUNCE_MS) => {
    await act(async () => {
      jest.advanceTimersByTime(ms);
    });
    await act(async () => {
      for (let i = 0; i < 50; i++) await Promise.resolve();
    });
  };

  async function typeInto(user: ReturnType<typeof setupUser>, text: string) {
    const box = screen.getByRole("combobox", { name: "Open the setup of" });
    await user.clear(box);
    await user.type(box, text);
    return box;
  }

  it("is labelled, and names whose setup is open", () => {
    renderPicker(stubServer((r) => usersPage(r.url)));
    const box = screen.getByRole("combobox", { name: "Open the setup of" });
    expect((box as HTMLInputElement).value).toBe("Alice Admin (ADMIN)");
  });

  it.each([
    ["a code", "mdup", "/api/v1/users?search=mdup&page=1&pageSize=20"],
    ["a name, accents and spaces encoded", "Hélène Le", "/api/v1/users?search=H%C3%A9l%C3%A8ne%20Le&page=1&pageSize=20"],
    ["an e-mail", "bob.jones@fab", "/api/v1/users?search=bob.jones%40fab&page=1&pageSize=20"],
  ])("searches the server by %s", async (_what, typed, url) => {
    const stub = stubServer((r) => usersPage(r.url));
    renderPicker(stub);
    const user = setupUser();
    await typeInto(user, typed);
    await settle();
    expect(searches(stub)).toEqual([url]);
  });

  it("shows each user as “Name (CODE)” with the e-mail, and says how many more there are", async () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ code: `U${i}`, name: `User ${i}`, email: `u${i}@contoso.com`, language: null }));
    const stub = stubServer((r) => usersPage(r.url, [...USERS, ...many]));
    renderPicker(stub);
    const user = setupUser();
    await typeInto(user, "dupont");
    await settle();
    const option = screen.getByRole("option", { name: "Marie Dupont (MDUPONT) marie.dupont@contoso.fr" });
    expect(within(option).getByText("marie.dupont@contoso.fr")).toBeTruthy();

    await typeInto(user, "user");
    await settle();
    expect(screen.getAllByRole("option").filter((o) => o.getAttribute("aria-disabled") !== "true")).toHaveLength(20);
    expect(screen.getByRole("option", { name: "20 of 25 shown: type more to narrow the list." }).getAttribute("aria-disabled")).toBe("true");
  });

  it("waits for typing to pause before it asks the server, once", async () => {
    const stub = stubServer((r) => usersPage(r.url));
    renderPicker(stub);
    const user = setupUser();
    await typeInto(user, "smi");
    await settle(SEARCH_DEBOUNCE_MS - 50);
    expect(searches(stub)).toEqual([]);
    expect(optionNames()).toEqual(["Searching…"]);
    await user.type(screen.getByRole("combobox"), "t");
    await settle(SEARCH_DEBOUNCE_MS - 50);
    expect(searches(stub)).toEqual([]);
    await settle(50);
    expect(searches(stub)).toEqual(["/api/v1/users?search=smit&page=1&pageSize=20"]);
    expect(optionNames()).toEqual(["John Smith (JSMITH) jsmith@contoso.com"]);
  });

  it("shows the answer to the latest search, not a slower earlier one", async () => {
    const answers = [deferred<Response>(), deferred<Response>()];
    const stub = stubServer(() => answers[stub.calls.length - 1]!.promise);
    renderPicker(stub);
    const user = setupUser();
    await typeInto(user, "jo");
    await settle();
    await user.type(screen.getByRole("combobox"), "nes");
    await settle();
    expect(searches(stub)).toEqual(["/api/v1/users?search=jo&page=1&pageSize=20", "/api/v1/users?search=jones&page=1&pageSize=20"]);

    answers[1]!.resolve(usersPage(stub.calls[1]!.url));
    await settle(0);
    expect(optionNames()).toEqual(["Bob Jones (BOB) bob.jones@fabrikam.com"]);
    answers[0]!.resolve(usersPage(stub.calls[0]!.url)); // "jo": John Smith and Bob Jones, too late
    await settle(0);
    expect(optionNames()).toEqual(["Bob Jones (BOB) bob.jones@fabrikam.com"]);
  });

  it("opens the setup of the user picked with the mouse", async () => {
    const stub = stubServer((r) => usersPage(r.url));
    const { onSelect } = renderPicker(stub);
    const user = setupUser();
    await typeInto(user, "marie");
    await settle();
    await user.click(screen.getByRole("option", { name: /Marie Dupont \(MDUPONT\)/ }));
    expect(onSelect).toHaveBeenCalledTimes(1);
    expect(onSelect).toHaveBeenCalledWith(MARIE);
    expect((screen.getByRole("combobox") as HTMLInputElement).value).toBe("Marie Dupont (MDUPONT)");
  });

  it("is operable with the keyboard alone", async () => {
    const stub = stubServer((r) => usersPage(r.url));
    const { onSelect } = renderPicker(stub);
    const user = setupUser();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole("combobox", { name: "Open the setup of" }));
    await user.keyboard("{Control>}a{/Control}contoso");
    await settle();
    expect(optionNames()).toEqual([
      "John Smith (JSMITH) jsmith@contoso.com",
      "Alice Admin (ADMIN) alice.admin@contoso.com",
      "Marie Dupont (MDUPONT) marie.dupont@contoso.fr",
      "Hélène Lefèvre (HELENE) h.lefevre@contoso.fr",
    ]);
    await user.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(onSelect).toHaveBeenCalledWith(MARIE);
  });

  it("does not open another user's setup when the administrator tabs away from the list", async () => {
    const stub = stubServer((r) => usersPage(r.url));
    const { onSelect } = renderPicker(stub);
    const user = setupUser();
    const box = await typeInto(user, "marie");
    await settle();
    expect(screen.getByRole("option", { name: /Marie Dupont/ }).id).toBe(box.getAttribute("aria-activedescendant"));
    await user.tab();
    expect(onSelect).not.toHaveBeenCalled();
    expect((box as HTMLInputElement).value).toBe("Alice Admin (ADMIN)");
  });

  it("does nothing when the user already shown is picked again", async () => {
    const stub = stubServer((r) => usersPage(r.url));
    const { onSelect } = renderPicker(stub);
    const user = setupUser();
    await typeInto(user, "alice");
    await settle();
    await user.click(screen.getByRole("option", { name: /Alice Admin/ }));
    expect(onSelect).not.toHaveBeenCalled();
  });

  it("lists everyone when opened untouched, rather than searching for the name shown", async () => {
    const stub = stubServer((r) => usersPage(r.url));
    renderPicker(stub);
    const user = setupUser();
    await user.click(screen.getByRole("combobox"));
    await settle();
    expect(searches(stub)).toEqual(["/api/v1/users?search=&page=1&pageSize=20"]);
    expect(optionNames()).toHaveLength(USERS.length);
  });

  it("says when no X3 user matches", async () => {
    renderPicker(stubServer((r) => usersPage(r.url)));
    const user = setupUser();
    await typeInto(user, "zzz");
    await settle();
    const none = screen.getByRole("option", { name: "No X3 user matches “zzz”." });
    expect(none.getAttribute("aria-disabled")).toBe("true");
  });

  it("says in the list when the search fails, and searches again on the next keystroke", async () => {
    const stub = stubServer(() => problem(503, "x3-unavailable"));
    const { onSelect } = renderPicker(stub);
    const user = setupUser();
    await typeInto(user, "mar");
    await settle();
    const failed = screen.getByRole("option", { name: "X3 users cannot be searched: X3 cannot be reached right now. Try again in a moment." });
    await user.click(failed);
    expect(onSelect).not.toHaveBeenCalled();

    stub.handler = (r) => usersPage(r.url);
    await user.type(screen.getByRole("combobox"), "ie");
    await settle();
    expect(optionNames()).toEqual(["Marie Dupont (MDUPONT) marie.dupont@contoso.fr"]);
  });

  it("survives a server that cannot be reached", async () => {
    const stub = stubServer(() => Promise.reject(new TypeError("Failed to fetch")));
    renderPicker(stub);
    const user = setupUser();
    await typeInto(user, "mar");
    await settle();
    expect(optionNames()).toEqual(["X3 users cannot be searched: The server cannot be reached. Check your connection."]);
    await settle(10 * SEARCH_DEBOUNCE_MS);
    expect(stub.calls).toHaveLength(1); // not tried again and again while the list stays open

    await user.keyboard("{Escape}");
    await user.click(screen.getByRole("combobox"));
    await settle();
    expect(stub.calls).toHaveLength(2); // opening the list again tries again
  });

  it("puts back whose setup is open when the administrator types and leaves without picking", async () => {
    renderPicker(stubServer((r) => usersPage(r.url)));
    const user = setupUser();
    const box = await typeInto(user, "zzz");
    await settle();
    await user.keyboard("{Escape}");
    await user.tab();
    expect((box as HTMLInputElement).value).toBe("Alice Admin (ADMIN)");
  });

  it("offers a way back to the administrator's own setup when showing someone else's", async () => {
    const stub = stubServer((r) => usersPage(r.url));
    const { onSelect, rerender } = renderPicker(stub, { current: MARIE, self: ADMIN });
    const user = setupUser();
    expect((screen.getByRole("combobox") as HTMLInputElement).value).toBe("Marie Dupont (MDUPONT)");
    await user.click(screen.getByRole("button", { name: "Back to my own setup" }));
    expect(onSelect).toHaveBeenCalledWith(ADMIN);
    rerender(ADMIN);
    expect(screen.queryByRole("button", { name: "Back to my own setup" })).toBeNull();
    expect((screen.getByRole("combobox") as HTMLInputElement).value).toBe("Alice Admin (ADMIN)");
  });

  it("speaks French", async () => {
    const stub = stubServer((r) => (r.url.includes("search=zz") ? usersPage(r.url) : json(200, { items: [], total: 0, page: 1, pageSize: 20 })));
    renderPicker(stub, { current: MARIE, self: ADMIN, language: "fr" });
    const user = setupUser();
    expect(screen.getByRole("button", { name: "Revenir à mon paramétrage" })).toBeTruthy();
    const box = screen.getByRole("combobox", { name: "Ouvrir le paramétrage de" });
    await user.clear(box);
    await user.type(box, "zz");
    await settle();
    expect(optionNames()).toEqual(["Aucun utilisateur X3 ne correspond à « zz »."]);
  });
});

describe("the user picker's markup", () => {
  it("has no accessibility violations axe can find, list open", async () => {
    const axe = (await import("axe-core")).default;
    renderPicker(stubServer((r) => usersPage(r.url)), { current: MARIE, self: ADMIN });
    const user = userEvent.setup();
    await user.click(screen.getByRole("combobox"));
    await screen.findByRole("option", { name: /Bob Jones/ }, { timeout: 2000 });
    const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false }, region: { enabled: false } } });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`)).toEqual([]);
  });
});
