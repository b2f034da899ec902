/** Entry point: wait for Office (or find it absent), pick the language, render. */
import { createRoot } from "react-dom/client";
import { detectOutlook } from "../office/officeHost";
import { App } from "./App";
import { createI18n, languageOf } from "./i18n";

async function boot(): Promise<void> {
  const container = document.getElementById("root");
  if (!container) return;
  const host = await detectOutlook();
  const language = languageOf(host?.displayLanguage ?? navigator.language);
  document.documentElement.lang = language;
  const i18n = createI18n(language);
  document.title = i18n.t("app.title");
  const prefersDark = window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
  createRoot(container).render(<App host={host} i18n={i18n} prefersDark={prefersDark} />);
}

void boot();
