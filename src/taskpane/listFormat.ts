/**
 * Formatters are built once per language and kind: building an Intl formatter loads locale data and costs
 * far more than formatting (the first screen's sentences format dozens of lists).
 */
const listFormats = new Map<string, Intl.ListFormat | null>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function listFormat(language: string, type: "conjunction" | "disjunction"): Intl.ListFormat | null {
  const key = `${language}|${type}`;
  let format = listFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.ListFormat(language, { style: "long", type });
    } catch {
      format = null;
    }
    listFormats.set(key, format);
  }
  return format;
}

/** "A, B and C" in the pane's language (Intl.ListFormat), for lists of flag names in sentences. */
export function listOf(language: string, items: readonly string[], type: "conjunction" | "disjunction" = "conjunction"): string {
  return listFormat(language, type)?.format(items) ?? items.join(", ");
}

/** A time for the status line: the time alone today, with the date otherwise ("Saved to X3 at …"). */
export function statusTime(language: string, iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  const today = at.toDateString() === now.toDateString();
  const key = `${language}|${today}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, today ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" });
    timeFormats.set(key, format);
  }
  return format.format(at);
}
