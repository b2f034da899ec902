/** The sentence for a server problem: its own when the pane knows the code, the generic one otherwise. */
import type { TFunction } from "i18next";
import { ApiError } from "./api";
import type { PaneI18n } from "./i18n/translator";

export function problemSentence(t: TFunction, i18n: PaneI18n, code: string, params: Record<string, string> = {}): string {
  const key = `problems.${code}`;
  return code !== "generic" && i18n.exists(key) ? t(key, { ...params, code }) : t("problems.generic", { code });
}

/** The same for anything a request threw (an ApiError carries the problem's code). */
export function problemText(t: TFunction, i18n: PaneI18n, err: unknown): string {
  return problemSentence(t, i18n, err instanceof ApiError ? err.code : "generic");
}
