/**
 * Formatters are built once per language and kind: building an Intl formatter loads locale data and costs
 * far more than formatting (the first screen's sentences format dozens of lists).
 */
const listFormats = new Map<string, Intl.ListFormat | null>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

type ListType = "conjunction" | "disjunction";

/**
 * The pane's own languages' long lists, as Intl.ListFormat writes them ("a, b, and c"; "a, b et c"), joined
 * without it: the first Intl.ListFormat of a page loads ICU's list patterns, a cost the first render (whose
 * entity sentences join lists) paid at every open. Other languages go to Intl.ListFormat.
 */
const OWN_LISTS: Record<string, { readonly conjunction: string; readonly disjunction: string; readonly serialComma: boolean }> = {
  en: { conjunction: "and", disjunction: "or", serialComma: true },
  fr: { conjunction: "et", disjunction: "ou", serialComma: false },
};

function ownList(language: string, items: readonly string[], type: ListType): string | null {
  const own = OWN_LISTS[language];
  if (!own) return null;
  if (items.length <= 1) return items[0] ?? "";
  const last = items[items.length - 1];
  const comma = own.serialComma && items.length > 2 ? "," : "";
  return `${items.slice(0, -1).join(", ")}${comma} ${own[type]} ${last}`;
}

function listFormat(language: string, type: ListType): Intl.ListFormat | null {
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

/** "A, B and C" in the pane's language (Intl.ListFormat's long style), for lists of flag names in sentences. */
export function listOf(language: string, items: readonly string[], type: ListType = "conjunction"): string {
  return ownList(language, items, type) ?? listFormat(language, type)?.format(items) ?? items.join(", ");
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
