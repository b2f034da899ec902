import { paneMatchMedia } from "./matchMedia";

/** jsdom lacks what Fluent UI v9 measures with. */
class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
Object.assign(globalThis, { ResizeObserver: globalThis.ResizeObserver ?? ResizeObserverStub });
// As the browser tests do, the pane runs with reduced motion: Fluent skips its animations, which jsdom
// cannot play (a dialog reopened mid-animation would otherwise stay invisible to the queries).
if (!window.matchMedia) window.matchMedia = paneMatchMedia();

// Rendering the pane under jsdom (a fresh App module tree, Fluent's providers) takes seconds on a loaded
// two-core CI machine: theme.test.tsx's light-pane test once ran past jest's 5 s default there. Files that
// need more still set their own.
jest.setTimeout(20_000);
