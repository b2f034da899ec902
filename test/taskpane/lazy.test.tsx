/**
 * A lazy view whose chunk fails to download (network dropped, server redeployed) must not blank the pane:
 * the boundary says so, and "Try again" downloads it again.
 */
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import { LazyBoundary } from "../../src/taskpane/components/LazyBoundary";
import { createI18n } from "../../src/taskpane/i18n";
import { lazyView } from "../../src/taskpane/lazy";

describe("lazy views", () => {
  it("say when a chunk cannot be loaded, keep the rest of the pane, and load it on Try again", async () => {
    let attempts = 0;
    let offline = true;
    const View = lazyView<{ name: string }>(async () => {
      attempts += 1;
      if (offline) throw new Error("ChunkLoadError: Loading chunk history failed");
      return ({ name }: { name: string }) => <p>Hello {name}</p>;
    });
    const quiet = jest.spyOn(console, "error").mockImplementation(() => undefined);
    render(
      <I18nextProvider i18n={createI18n("en")}>
        <FluentProvider theme={webLightTheme}>
          <button>Save</button>
          <LazyBoundary>
            <View name="Léa" />
          </LazyBoundary>
        </FluentProvider>
      </I18nextProvider>,
    );
    const message = await screen.findByTestId("view-unavailable");
    expect(message.textContent).toMatch(/could not be loaded/);
    expect(screen.getByRole("button", { name: "Save" })).toBeTruthy();
    const failedAttempts = attempts;
    offline = false;
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Hello Léa")).toBeTruthy();
    expect(attempts).toBe(failedAttempts + 1);
    quiet.mockRestore();
  });

  it("does not download a chunk that keeps failing again and again: it waits for Try again", async () => {
    let attempts = 0;
    const View = lazyView<object>(async () => {
      attempts += 1;
      await new Promise((r) => setTimeout(r, 20));
      throw new Error("ChunkLoadError");
    });
    const quiet = jest.spyOn(console, "error").mockImplementation(() => undefined);
    render(
      <I18nextProvider i18n={createI18n("en")}>
        <FluentProvider theme={webLightTheme}>
          <LazyBoundary>
            <View />
          </LazyBoundary>
        </FluentProvider>
      </I18nextProvider>,
    );
    await screen.findByTestId("view-unavailable");
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts).toBe(1);
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByTestId("view-unavailable");
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts).toBe(2);
    quiet.mockRestore();
  });

  it("prefetch downloads once and shares the download with the view", async () => {
    let attempts = 0;
    const View = lazyView(async () => {
      attempts += 1;
      return () => <p>ready</p>;
    });
    await View.prefetch();
    await View.prefetch();
    render(<View />);
    expect(await screen.findByText("ready")).toBeTruthy();
    expect(attempts).toBe(1);
  });
});
