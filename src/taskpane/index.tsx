/** Entry point: wait for Office (or find it absent), pick the language, render. */
// First, before the modules below are evaluated: the strings' download (see preloadStrings.ts).
import "./preloadStrings";
import { createRoot } from "react-dom/client";
import { currentTheme, detectOutlook } from "../office/officeHost";
import { App } from "./App";
import { languageOf } from "./i18n/language";
import { loadI18n } from "./i18n/load";
import { loadThemes, needsOtherThemes } from "./theme";

/**
 * Internet Explorer (Trident) and the old Microsoft Edge (EdgeHTML: "Edge/18…"; the current Edge says "Edg/")
 * webviews of Outlook 2016 / 2019, which Fluent UI v9 does not support. legacy-webview.js (an ES3 classic
 * script, run before this bundle) normally shows the message and marks the page; this is the second line.
 */
const LEGACY_WEBVIEW = /Trident\/|MSIE |Edge\/\d/;

function legacyWebview(): boolean {
  return document.documentElement.hasAttribute("data-legacy-webview") || LEGACY_WEBVIEW.test(navigator.userAgent);
}

/** Shows taskpane.html's "update Outlook" message, in French or English, instead of the pane. */
function showUnsupportedWebview(container: HTMLElement): void {
  container.hidden = true;
  const message = document.getElementById("unsupported-webview");
  if (!message) return;
  const french = (navigator.language || "en").toLowerCase().startsWith("fr");
  for (const block of Array.from(message.querySelectorAll<HTMLElement>("[lang]"))) {
    block.hidden = (block.getAttribute("lang") === "fr") !== french;
  }
  document.documentElement.lang = french ? "fr" : "en";
  message.hidden = false;
  message.style.display = "block";
}

async function boot(): Promise<void> {
  const container = document.getElementById("root");
  if (!container) return;
  if (legacyWebview()) {
    showUnsupportedWebview(container);
    return;
  }
  const host = await detectOutlook();
  // A dark or high-contrast pane waits for its theme's chunk as it waits for its strings: no light frame first.
  // Should that chunk not come, the pane shows in light (App tries again) rather than not at all.
  const [i18n] = await Promise.all([
    loadI18n(languageOf(host?.displayLanguage ?? navigator.language)),
    needsOtherThemes(currentTheme(host)) ? loadThemes().catch(() => null) : null,
  ]);
  document.documentElement.lang = i18n.language;
  document.title = i18n.t("app.title");
  createRoot(container).render(<App host={host} i18n={i18n} />);
}

void boot();
