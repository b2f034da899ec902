/**
 * The pane's Fluent themes. Light, the one nearly every user gets, is part of the first load; dark and high
 * contrast are a chunk of their own ("themes", themes.ts). The first render waits for it only when Outlook is
 * dark or Windows forces its colours (index.tsx), so that such a user never sees a light frame; it starts as
 * soon as the system says dark or forced colours (preloadStrings.ts), and is prefetched once the pane is idle
 * so that a later switch of Outlook's theme is immediate. No Fluent UI here: preloadStrings.ts imports it.
 */
import type { Theme } from "@fluentui/react-components";
import type { PaneTheme } from "../office/officeHost";
import { prefetchLater } from "./lazy";

export interface OtherThemes {
  readonly webDarkTheme: Theme;
  readonly teamsHighContrastTheme: Theme;
}

const download = (): Promise<OtherThemes> => import(/* webpackChunkName: "themes" */ "./themes");

let loaded: OtherThemes | null = null;
let loading: Promise<OtherThemes> | null = null;

/**
 * The dark and high-contrast themes, downloaded once (a failed download is tried once more at once, then
 * again at the next call).
 */
export function loadThemes(): Promise<OtherThemes> {
  loading ??= download()
    .catch(() => download())
    .then(
      (themes) => (loaded = themes),
      (err: unknown) => {
        loading = null;
        throw err;
      },
    );
  return loading;
}

/** The dark and high-contrast themes if they have arrived, else null. */
export function loadedThemes(): OtherThemes | null {
  return loaded;
}

/** Whether `look` needs the themes chunk (anything but plain light). */
export function needsOtherThemes(look: PaneTheme): boolean {
  return look.highContrast || look.theme === "dark";
}

prefetchLater(() => loadThemes().catch(() => undefined));
