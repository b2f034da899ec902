/**
 * The "i" beside a flag: opens a popover with the flag's help text (the GESSYP help page's). The button is
 * part of the first screen; the popover is a lazy chunk, fetched when the pane is idle or on first use.
 */
import { type ButtonProps, makeStyles, mergeClasses, useButton_unstable, useButtonStyles_unstable } from "@fluentui/react-components";
import { Info16Regular } from "@fluentui/react-icons";
import { useCallback, useMemo, useRef, useState } from "react";
import { useTranslation } from "../i18n/react";
import type { FlagCode } from "../../core/flags";
import { FlagInfoPopover } from "../views";
import { LazyBoundary } from "./LazyBoundary";

export const useInfoButtonStyles = makeStyles({
  button: {
    flexShrink: 0,
    // Outlook on a phone (coarse pointer): a 44 × 44 px touch target instead of Fluent's 24 px icon button.
    "@media (pointer: coarse)": { minWidth: "44px", maxWidth: "none", minHeight: "44px" },
  },
});

/** The classes of Fluent's Button as the "i" buttons use it: transparent, small, an icon and no text. */
export interface InfoButtonLook {
  readonly root: string;
  readonly icon: string;
}

const LOOK: ButtonProps = { appearance: "transparent", size: "small", icon: <Info16Regular /> };

/**
 * Fluent's Button's own hooks, run once for all the "i" buttons of the matrix (FlagMatrix) rather than once
 * for each of the 23: the first screen renders each "i" as the plain <button> Fluent's Button would render,
 * with its classes. (test/taskpane/InfoButton.test.tsx checks that the two render the same.)
 */
export function useInfoButtonLook(): InfoButtonLook {
  const state = useButton_unstable(LOOK, null);
  useButtonStyles_unstable(state);
  const root = state.root.className ?? "";
  const icon = state.icon?.className ?? "";
  return useMemo(() => ({ root, icon }), [root, icon]);
}

export function InfoButton({ code, label, look }: { code: FlagCode; label: string; look: InfoButtonLook }) {
  const styles = useInfoButtonStyles();
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLButtonElement>(null);
  const close = useCallback((restoreFocus: boolean) => {
    setOpen(false);
    if (restoreFocus) ref.current?.focus();
  }, []);
  return (
    <>
      <button
        ref={ref}
        type="button"
        className={mergeClasses(look.root, styles.button)}
        aria-label={t("matrix.about", { label })}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
        data-info={code}
      >
        <span className={look.icon}>
          <Info16Regular />
        </span>
      </button>
      {open && (
        <LazyBoundary fallback={null}>
          <FlagInfoPopover code={code} label={label} target={ref} onClose={close} />
        </LazyBoundary>
      )}
    </>
  );
}
