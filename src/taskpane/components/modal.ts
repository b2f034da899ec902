/**
 * What every modal dialog of the pane shares: its backdrop dims the whole pane, and its buttons have the
 * whole width of the dialog. (Each surface's own width is `min(…px, calc(100% - 24px))`:
 * the % of a fixed element is the viewport's, so it keeps a margin on both sides where 100vw did not.)
 */
import { makeStyles } from "@fluentui/react-components";
import { useLayoutEffect } from "react";

export const useModalStyles = makeStyles({
  // Below 480 px Fluent makes the surface 100vw wide, from edge to edge (and under a scroll bar's gutter).
  surface: { "@media (max-width: 480px)": { maxWidth: "calc(100% - 24px)" } },
  // Fluent puts the actions in the body's last two columns, which a two-button row of long words outgrows
  // ("Turn deletion on" in three lines); across the whole body they keep one line each. Below 480 px
  // Fluent's own rule stacks them, full width.
  actions: { gridColumnStart: 1, justifySelf: "end" },
});

let locks = 0;
let saved: { readonly gutter: string; readonly paddingRight: string } | null = null;

/** The width of the platform's classic scroll bar (0 where scroll bars overlay the content). */
function scrollBarWidth(): number {
  const probe = document.createElement("div");
  probe.style.cssText = "position:absolute;top:-9999px;width:100px;height:100px;overflow:scroll";
  document.body.append(probe);
  const width = probe.offsetWidth - probe.clientWidth;
  probe.remove();
  return width;
}

/**
 * Fluent's modal Dialog stops the page scrolling with `overflow: hidden` and `scrollbar-gutter: stable` on
 * <html>: the gutter stays, outside the viewport the backdrop covers, as an undimmed strip beside the dialog.
 * While a modal is open the gutter goes, and its width becomes padding so the page behind does not move.
 * Nested dialogs share one lock.
 */
function lockPageScroll(): () => void {
  const html = document.documentElement;
  if (locks === 0) {
    saved = { gutter: html.style.scrollbarGutter, paddingRight: html.style.paddingRight };
    const scrolls = html.scrollHeight > window.innerHeight;
    html.style.scrollbarGutter = "auto";
    if (scrolls) html.style.paddingRight = `${scrollBarWidth()}px`;
  }
  locks += 1;
  return () => {
    locks -= 1;
    if (locks === 0 && saved) {
      html.style.scrollbarGutter = saved.gutter;
      html.style.paddingRight = saved.paddingRight;
      saved = null;
    }
  };
}

export function usePageScrollLock(open: boolean): void {
  // Before the browser paints the open dialog, so the strip is never seen.
  useLayoutEffect(() => (open ? lockPageScroll() : undefined), [open]);
}
