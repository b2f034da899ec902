/**
 * Imported first by index.tsx, so it runs before React, Fluent UI and the pane are evaluated: starts
 * downloading the strings of the browser's language, which is usually Outlook's display language (known
 * only once Office is ready). The first render waits for those strings; this takes their download off the
 * critical path. (Outside src/taskpane/i18n, whose modules webpack treats as free of side effects.)
 * Likewise the dark and high-contrast themes (theme.ts) when the system is dark or forces its colours, which
 * usually means Outlook's theme is dark or high contrast too (the first render then waits for them).
 */
import { FORCED_COLORS_QUERY, PREFERS_DARK_QUERY } from "../office/officeHost";
import { preloadLanguage } from "./i18n/load";
import { languageOf } from "./i18n/language";
import { loadThemes } from "./theme";

void preloadLanguage(languageOf(navigator.language)).catch(() => undefined);

try {
  if (window.matchMedia(PREFERS_DARK_QUERY).matches || window.matchMedia(FORCED_COLORS_QUERY).matches) {
    void loadThemes().catch(() => undefined);
  }
} catch {
  // No matchMedia: Outlook's theme decides at the first render.
}
