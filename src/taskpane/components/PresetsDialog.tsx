/**
 * Presets: pick one, see exactly which flags it changes (and which policy or the X3 folder keeps), then
 * apply it to the screen. Nothing is saved until the user saves; turning deletions on is spelled out here,
 * and applying is the confirmation.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  mergeClasses,
  Radio,
  RadioGroup,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "../i18n/react";
import type { Entity, Flags } from "../../core/flags";
import type { Locks } from "../../core/policy";
import { applyPreset, deletionsTurnedOn, type Preset, PRESETS } from "../presets";
import { listOf } from "../listFormat";
import { DeletionWarnings, FlagChange } from "./FlagChange";
import { usePageScrollLock, useModalStyles } from "./modal";
import { useTouchStyles } from "./touch";

const useStyles = makeStyles({
  surface: { maxWidth: "min(560px, calc(100% - 24px))" },
  content: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  changes: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  muted: { color: tokens.colorNeutralForeground3 },
  // Fluent greys an unselected radio's label (a rule on the input's state), which reads as disabled: the
  // presets are all choosable.
  radio: { "& input:enabled:not(:checked) ~ .fui-Radio__label": { color: tokens.colorNeutralForeground1 } },
});

export interface PresetsDialogProps {
  /** Kept mounted and closed through `open`, so Fluent gives focus and the page back as it should. */
  readonly open: boolean;
  readonly current: Flags;
  readonly locks: Locks;
  readonly entitiesOff: Readonly<Partial<Record<Entity, string>>>;
  readonly onApply: (flags: Flags) => void;
  readonly onClose: () => void;
}

export function PresetsDialog({ open, current, locks, entitiesOff, onApply, onClose }: PresetsDialogProps) {
  const styles = useStyles();
  const modal = useModalStyles();
  const touch = useTouchStyles();
  usePageScrollLock(open);
  const { t, i18n } = useTranslation();
  const [preset, setPreset] = useState<Preset | null>(null);
  // Each opening starts from no choice.
  useEffect(() => {
    if (open) setPreset(null);
  }, [open]);
  const result = useMemo(() => (preset ? applyPreset(preset, current, locks, entitiesOff) : null), [preset, current, locks, entitiesOff]);
  const deletions = result ? deletionsTurnedOn(current, result.flags) : [];
  return (
    <Dialog open={open} onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface className={mergeClasses(styles.surface, modal.surface)}>
        <DialogBody>
          <DialogTitle>{t("presets.title")}</DialogTitle>
          <DialogContent className={styles.content}>
            <RadioGroup aria-label={t("presets.title")} value={preset ?? ""} onChange={(_, data) => setPreset(data.value as Preset)}>
              {PRESETS.map((p) => (
                <Radio key={p} value={p} className={styles.radio} label={{ children: <PresetLabel name={t(`presets.names.${p}`)} description={t(`presets.descriptions.${p}`)} /> }} />
              ))}
            </RadioGroup>
            <section aria-live="polite" aria-labelledby="preset-changes-title">
              {result && (
                <>
                  <Text as="h3" weight="semibold" id="preset-changes-title" block>
                    {result.changes.length ? t("presets.changes", { count: result.changes.length }) : t("presets.noChange")}
                  </Text>
                  {result.changes.length > 0 && (
                    <ul className={styles.changes} data-testid="preset-changes">
                      {result.changes.map((c) => (
                        <FlagChange key={c.code} code={c.code} from={c.from} to={c.to} />
                      ))}
                    </ul>
                  )}
                  {result.kept.length > 0 && (
                    <Text block className={styles.muted}>
                      {t("presets.kept", { flags: listOf(i18n.language, result.kept.map((c) => t(`flags.${c}`))) })}
                    </Text>
                  )}
                </>
              )}
            </section>
            <DeletionWarnings codes={deletions} />
          </DialogContent>
          <DialogActions className={modal.actions}>
            <Button className={touch.button} appearance="primary" disabled={!result || result.changes.length === 0} onClick={() => result && onApply(result.flags)}>
              {t("presets.apply")}
            </Button>
            <Button className={touch.button} onClick={onClose}>
              {t("presets.cancel")}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function PresetLabel({ name, description }: { name: string; description: string }) {
  const styles = useStyles();
  return (
    <>
      <Text weight="semibold" block>
        {name}
      </Text>
      <Text size={200} className={styles.muted} block>
        {description}
      </Text>
    </>
  );
}
