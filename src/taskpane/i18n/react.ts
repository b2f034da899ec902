/**
 * The pane's `useTranslation` and provider, on react-i18next's context: under the pane it carries the
 * light translator (./translator.ts), under the tests' `I18nextProvider` a real i18next instance — the
 * components work with either, and the pane's first chunk ships neither i18next nor react-i18next's hook.
 */
import type { i18n } from "i18next";
import { createElement, type ReactNode, useContext } from "react";
import { I18nContext } from "react-i18next";
import type { PaneI18n } from "./translator";

export function I18nProvider({ i18n, children }: { i18n: PaneI18n; children?: ReactNode }) {
  // The context is typed for i18next; the components read only what PaneI18n has.
  return createElement(I18nContext.Provider, { value: { i18n: i18n as i18n } }, children);
}

export function useTranslation(): { t: PaneI18n["t"]; i18n: PaneI18n } {
  const i18n = useContext(I18nContext)?.i18n as PaneI18n | undefined;
  if (!i18n) throw new Error("useTranslation outside I18nProvider");
  return { t: i18n.t, i18n };
}
