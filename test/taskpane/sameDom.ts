/**
 * The matrix renders some of Fluent's components as the plain elements they would render, with the classes
 * Fluent computes once for all (InfoButton, FlagSwitch): these compare the two renders by content.
 */

/**
 * The element's markup with attributes and class names in a fixed order, so that two renders compare by content
 * alone. Griffel's "___…" class is the key of mergeClasses' cache for the class list, which it derives from the
 * order the lists were merged in; no style rule names it. Ids made by React's useId differ between two renders:
 * each id becomes the order it was first met in (and so do the attributes that refer to it).
 */
export function normalized(element: Element): string {
  const clone = element.cloneNode(true) as Element;
  const ids = new Map<string, string>();
  const idOf = (value: string) => {
    if (!ids.has(value)) ids.set(value, `id${ids.size + 1}`);
    return ids.get(value)!;
  };
  const elements = [clone, ...Array.from(clone.querySelectorAll("*"))];
  for (const el of elements) if (el.id) idOf(el.id);
  for (const el of elements) {
    const attributes = Array.from(el.attributes)
      .map((a) => {
        if (a.name === "class") return [a.name, [...new Set(a.value.split(/\s+/).filter((c) => c && !c.startsWith("___")))].sort().join(" ")] as const;
        if (a.name === "id" || a.name === "for") return [a.name, idOf(a.value)] as const;
        if (a.name === "aria-describedby") return [a.name, a.value.split(/\s+/).map((v) => (ids.has(v) ? ids.get(v)! : v)).join(" ")] as const;
        return [a.name, a.value] as const;
      })
      .sort(([a], [b]) => a.localeCompare(b));
    for (const { name } of Array.from(el.attributes)) el.removeAttribute(name);
    for (const [name, value] of attributes) el.setAttribute(name, value);
  }
  return clone.outerHTML;
}
