/**
 * One flag going from one value to another, as the history, presets and restore show it: "Label (CODE):
 * Off → On" on screen, "from Off to On" for screen readers (which read an arrow aloud).
 */
import { makeStyles, MessageBar, MessageBarBody } from "@fluentui/react-components";
import { useTranslation } from "../i18n/react";
import type { FlagCode } from "../../core/flags";
import { deleteConsequence } from "../sentences";

const useStyles = makeStyles({
  visuallyHidden: {
    position: "absolute",
    width: "1px",
    height: "1px",
    margin: "-1px",
    padding: 0,
    overflow: "hidden",
    clip: "rect(0, 0, 0, 0)",
    whiteSpace: "nowrap",
    border: 0,
  },
});

export function FlagChange({ code, from, to }: { code: string; from: boolean; to: boolean }) {
  const styles = useStyles();
  const { t, i18n } = useTranslation();
  const onOff = (value: boolean) => t(value ? "admin.history.on" : "admin.history.off");
  // A code the pane does not know (a newer server) is shown as it is.
  const label = i18n.exists(`flags.${code}`) ? t(`flags.${code}`) : code;
  const params = { label, code, from: onOff(from), to: onOff(to) };
  return (
    <li>
      <span aria-hidden="true">{t("admin.history.change", params)}</span>
      <span className={styles.visuallyHidden}>{t("admin.history.changeSpoken", params)}</span>
    </li>
  );
}

/** What each deletion a change turns on will do, spelled out before the change is made (presets, restore). */
export function DeletionWarnings({ codes }: { codes: readonly FlagCode[] }) {
  const { t } = useTranslation();
  if (codes.length === 0) return null;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="deletion-warnings">
      <MessageBarBody>
        {codes.map((c) => (
          <div key={c}>{deleteConsequence(t, c)}</div>
        ))}
      </MessageBarBody>
    </MessageBar>
  );
}
