/** "A, B and C" in the pane's language (Intl.ListFormat), for lists of flag names in sentences. */
export function listOf(language: string, items: readonly string[], type: "conjunction" | "disjunction" = "conjunction"): string {
  try {
    return new Intl.ListFormat(language, { style: "long", type }).format(items);
  } catch {
    return items.join(", ");
  }
}

/** A time for the status line: the time alone today, with the date otherwise ("Saved to X3 at …"). */
export function statusTime(language: string, iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  const today = at.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(language, today ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" }).format(at);
}
