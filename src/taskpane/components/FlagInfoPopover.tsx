/** The help text of one flag, in a popover anchored to its "i" button (lazy chunk). */
import { makeStyles, Popover, PopoverSurface, Subtitle2, Text, tokens } from "@fluentui/react-components";
import { type RefObject, useEffect, useRef } from "react";
import { useTranslation } from "../i18n/react";
import type { FlagCode } from "../../core/flags";
import { flagHelp } from "../sentences";

const useStyles = makeStyles({
  // Aligned to the end of its "i" button, which sits ~30 px from the pane's right edge: this width keeps
  // a margin on the left too (at 320 px a wider one was pushed against the edge).
  surface: { boxSizing: "border-box", maxWidth: "min(300px, calc(100vw - 48px))", display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  code: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground3 },
});

export interface FlagInfoPopoverProps {
  readonly code: FlagCode;
  readonly label: string;
  readonly target: RefObject<HTMLButtonElement | null>;
  /** Closed by Escape (focus goes back to the button) or by a click elsewhere. */
  readonly onClose: (restoreFocus: boolean) => void;
}

export function FlagInfoPopover({ code, label, target, onClose }: FlagInfoPopoverProps) {
  const styles = useStyles();
  const { t } = useTranslation();
  const titleId = `help-title-${code}`;
  // Escape closes it wherever focus is (on the "i" button, or in the popover), and focus goes back.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose(true);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);
  // Android's Back (and a browser's) closes the help rather than leaving the pane: the open popover is a
  // history entry of its own, taken back when it closes any other way.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const entry = { x3SyncHelp: code };
    window.history.pushState(entry, "");
    let byBack = false;
    const onPop = () => {
      byBack = true;
      close.current(false);
    };
    window.addEventListener("popstate", onPop);
    return () => {
      window.removeEventListener("popstate", onPop);
      const top = window.history.state as { x3SyncHelp?: string } | null;
      if (!byBack && top?.x3SyncHelp === code) window.history.back();
    };
  }, [code]);
  return (
    <Popover
      open
      withArrow
      trapFocus
      positioning={{ target: target.current, position: "below", align: "end" }}
      onOpenChange={(e, data) => {
        if (data.open) return;
        // A click on the "i" button itself toggles through its own handler.
        if (e.target instanceof Node && target.current?.contains(e.target)) return;
        onClose(e.type === "keydown");
      }}
    >
      <PopoverSurface className={styles.surface} aria-labelledby={titleId}>
        <Subtitle2 id={titleId}>{label}</Subtitle2>
        <Text className={styles.code}>{code}</Text>
        <Text>{flagHelp(t, code)}</Text>
      </PopoverSurface>
    </Popover>
  );
}
