/**
 * The dark and high-contrast themes are a chunk of their own (src/taskpane/theme.ts). A pane that needs them
 * and has them is dark from its first frame; one whose download failed shows in light — usable — and turns
 * dark once a later attempt brings them.
 */
import { act, render, screen } from "@testing-library/react";
import type { ComponentType } from "react";
import type { AppProps } from "../../src/taskpane/App";
import { createI18n } from "../../src/taskpane/i18n";
import { paneMatchMedia } from "./matchMedia";

// The browser preview (host null) stands for the pane: its theme is the system's.
jest.mock("../../src/taskpane/components/BrowserPreview", () => ({ BrowserPreview: () => <p>the pane</p> }));

/** The chunk's module; `offline` makes its download fail (as webpack's import() rejects with ChunkLoadError). */
const chunk = { offline: false, downloads: 0 };
jest.mock("../../src/taskpane/themes", () => {
  chunk.downloads += 1;
  if (chunk.offline) throw new Error("ChunkLoadError: Loading chunk themes failed");
  return jest.requireActual("../../src/taskpane/themes");
});

const systemDark = (dark: boolean) => {
  window.matchMedia = paneMatchMedia({ dark });
};

/** Every data-theme the pane's FluentProvider has had, in order, from its first insertion into `container`. */
function recordThemes(container: HTMLElement): string[] {
  const seen: string[] = [];
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes" && (r.target as Element).matches(".fui-FluentProvider")) {
        seen.push(r.oldValue ?? "");
      }
      for (const node of Array.from(r.addedNodes)) {
        if (node instanceof Element && node.matches(".fui-FluentProvider")) seen.push(`inserted ${node.getAttribute("data-theme")}`);
      }
    }
  }).observe(container, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-theme"], attributeOldValue: true });
  return seen;
}

/** The React of this file and of Testing Library: App must render with it (a second copy runs no hooks). */
const SHARED = ["react", "react/jsx-runtime", "react-dom", "react-dom/client"].map((name) => [name, require(name)] as const);

/** App and theme.ts afresh: nothing downloaded yet. */
function freshModules(): { App: ComponentType<AppProps>; loadThemes: () => Promise<unknown> } {
  jest.resetModules();
  for (const [name, module] of SHARED) jest.doMock(name, () => module);
  return { App: require("../../src/taskpane/App").App, loadThemes: require("../../src/taskpane/theme").loadThemes };
}

const provider = () => document.querySelector(".fui-FluentProvider")!;

describe("the pane's theme", () => {
  const realMatchMedia = window.matchMedia;
  beforeEach(() => {
    chunk.offline = false;
    chunk.downloads = 0;
  });
  afterEach(() => {
    window.matchMedia = realMatchMedia;
    jest.useRealTimers();
  });

  it("is dark from the first frame when the themes arrived before the first render (as index.tsx waits for them)", async () => {
    systemDark(true);
    const { App, loadThemes } = freshModules();
    await loadThemes();
    const container = document.createElement("div");
    document.body.append(container);
    const seen = recordThemes(container);
    render(<App host={null} i18n={createI18n("en")} />, { container });
    await screen.findByText("the pane");
    expect(provider().getAttribute("data-theme")).toBe("dark");
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(seen).toEqual(["inserted dark"]);
  });

  it("without them shows a light frame first — what the wait before the first render prevents (the check can fail)", async () => {
    systemDark(true);
    const { App } = freshModules();
    const container = document.createElement("div");
    document.body.append(container);
    const seen = recordThemes(container);
    render(<App host={null} i18n={createI18n("en")} />, { container });
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(seen).toEqual(["inserted light", "light"]);
    expect(provider().getAttribute("data-theme")).toBe("dark");
  });

  it("does not download them for a light pane", async () => {
    systemDark(false);
    const { App } = freshModules();
    render(<App host={null} i18n={createI18n("en")} />);
    await screen.findByText("the pane");
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(provider().getAttribute("data-theme")).toBe("light");
    expect(chunk.downloads).toBe(0);
  });

  it("shows the pane in light when their download fails, then dark once a later attempt brings them", async () => {
    jest.useFakeTimers();
    systemDark(true);
    chunk.offline = true;
    const { App, loadThemes } = freshModules();
    await expect(loadThemes()).rejects.toThrow(/ChunkLoadError/); // index.tsx renders all the same
    render(<App host={null} i18n={createI18n("en")} />);
    await act(() => jest.advanceTimersByTimeAsync(0));
    expect(screen.getByText("the pane")).toBeTruthy();
    expect(provider().getAttribute("data-theme")).toBe("light");
    const failed = chunk.downloads;
    expect(failed).toBe(4); // twice at index.tsx's wait, twice at the first render: no loop
    await act(() => jest.advanceTimersByTimeAsync(1_000));
    expect(chunk.downloads).toBe(failed);
    chunk.offline = false;
    await act(() => jest.advanceTimersByTimeAsync(1_500));
    expect(provider().getAttribute("data-theme")).toBe("dark");
  });

  it("stops trying after a few attempts while the theme stays the same", async () => {
    jest.useFakeTimers();
    systemDark(true);
    chunk.offline = true;
    const { App } = freshModules();
    render(<App host={null} i18n={createI18n("en")} />);
    // A second at a time: each retry is scheduled by a render that act() lets React finish.
    const seconds = async (n: number) => {
      for (let i = 0; i < n; i++) await act(() => jest.advanceTimersByTimeAsync(1_000));
    };
    await seconds(120);
    expect(chunk.downloads).toBe(8); // at the first render, then after 2 s, 10 s and 30 s: twice each
    await seconds(600);
    expect(chunk.downloads).toBe(8);
    expect(provider().getAttribute("data-theme")).toBe("light");
  });
});
