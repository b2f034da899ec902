/**
 * The "i" beside a flag: opens a popover with the flag's help text (the GESSYP help page's). The button is
 * part of the first screen; the popover is a lazy chunk, fetched when the pane is idle or on first use.
 */
import { Button, makeStyles } from "@fluentui/react-components";
import { Info16Regular } from "@fluentui/react-icons";
import { useCallback, useRef, useState } from "react";
import { useTranslation } from "../i18n/react";
import type { FlagCode } from "../../core/flags";
import { FlagInfoPopover } from "../views";
import { LazyBoundary } from "./LazyBoundary";

const useStyles = makeStyles({ button: { flexShrink: 0 } });

export function InfoButton({ code, label }: { code: FlagCode; label: string }) {
  const styles = useStyles();
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLButtonElement>(null);
  const close = useCallback((restoreFocus: boolean) => {
    setOpen(false);
    if (restoreFocus) ref.current?.focus();
  }, []);
  return (
    <>
      <Button
        ref={ref}
        className={styles.button}
        appearance="transparent"
        size="small"
        icon={<Info16Regular />}
        aria-label={t("matrix.about", { label })}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
        data-info={code}
      />
      {open && (
        <LazyBoundary fallback={null}>
          <FlagInfoPopover code={code} label={label} target={ref} onClose={close} />
        </LazyBoundary>
      )}
    </>
  );
}
