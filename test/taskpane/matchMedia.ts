/**
 * window.matchMedia for jsdom, which has none: reduced motion always (the pane's tests run without Fluent's
 * animations, as the browser tests do), and a dark system colour scheme when asked.
 */
export function paneMatchMedia({ dark = false }: { dark?: boolean } = {}): typeof window.matchMedia {
  return (query: string) =>
    ({
      matches: (dark && /prefers-color-scheme:\s*dark/.test(query)) || /prefers-reduced-motion:\s*reduce/.test(query),
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
