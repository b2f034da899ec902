/**
 * Imported first by index.tsx, so it runs before React, Fluent UI and the pane are evaluated: starts
 * downloading the strings of the browser's language, which is usually Outlook's display language (known
 * only once Office is ready). The first render waits for those strings; this takes their download off the
 * critical path. (Outside src/taskpane/i18n, whose modules webpack treats as free of side effects.)
 */
import { preloadLanguage } from "./i18n/load";
import { languageOf } from "./i18n/language";

void preloadLanguage(languageOf(navigator.language)).catch(() => undefined);
