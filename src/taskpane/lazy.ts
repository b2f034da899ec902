/**
 * Views the first screen does not need (dialogs, popovers, history, administration, impact preview) are
 * separate chunks: the pane shows the user's flags before they load, and prefetches them once idle so
 * they open at once when asked for.
 */
import { type ComponentType, createElement, lazy, type LazyExoticComponent } from "react";

export type Prefetchable<P> = ComponentType<P> & { prefetch(): Promise<unknown> };

/** What to fetch once the pane is idle: every lazy view, and whatever else registered with prefetchLater. */
const tasks: (() => Promise<unknown>)[] = [];

/** Adds a download to the ones made once the pane is idle (after the lazy views registered so far). */
export function prefetchLater(task: () => Promise<unknown>): void {
  tasks.push(task);
}
/** Views whose download failed: they get a fresh lazy component when the user asks to try again. */
const resets = new Set<() => void>();

/**
 * "Try again" after a failed download. React.lazy remembers a failure for good, so each failed view gets a
 * fresh lazy component — only now, on the user's request: swapping it at once would make React's own
 * retry of the boundary start another download, and a chunk that keeps failing would be fetched in a loop.
 */
export function retryFailedViews(): void {
  for (const reset of [...resets]) reset();
  resets.clear();
}

export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): Prefetchable<P> {
  let loading: Promise<ComponentType<P>> | null = null;
  // A failed download (network blip, redeployed server) is tried again the next time rather than remembered.
  const get = () => (loading ??= load().catch((err: unknown) => ((loading = null), Promise.reject(err))));
  const make = (): LazyExoticComponent<ComponentType<P>> =>
    lazy(async () => {
      try {
        return { default: await get() };
      } catch (err) {
        resets.add(reset);
        throw err;
      }
    });
  let inner = make();
  const reset = () => {
    inner = make();
  };
  const View = (props: P) => createElement(inner as ComponentType<P>, props);
  const view = Object.assign(View, { prefetch: () => get().catch(() => undefined) });
  tasks.push(view.prefetch);
  return view;
}

/** Once the pane has painted and the main thread is idle, fetch every lazy view (and the rest), one at a time. */
export function prefetchWhenIdle(win: Window = window): () => void {
  let cancelled = false;
  const idle = (cb: () => void) =>
    "requestIdleCallback" in win ? win.requestIdleCallback(cb, { timeout: 2000 }) : (win as Window).setTimeout(cb, 200);
  idle(async () => {
    for (const task of tasks) {
      if (cancelled) return;
      await task();
    }
  });
  return () => {
    cancelled = true;
  };
}
