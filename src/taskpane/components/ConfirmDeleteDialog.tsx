/**
 * Asked before a deletion flag turns on: it names what the deletion will do, and the flag turns on only
 * when the user confirms. An alert dialog: no click outside dismisses it; Escape cancels.
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
  Text,
  tokens,
} from "@fluentui/react-components";
import { useTranslation } from "../i18n/react";
import type { FlagCode } from "../../core/flags";
import { deleteConsequence } from "../sentences";
import { usePageScrollLock, useModalStyles } from "./modal";
import { useTouchStyles } from "./touch";

const useStyles = makeStyles({
  list: { margin: `${tokens.spacingVerticalS} 0`, paddingLeft: tokens.spacingHorizontalL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  surface: { maxWidth: "min(480px, calc(100% - 24px))" },
});

export interface ConfirmDeleteDialogProps {
  /** Kept mounted and closed through `open`, so Fluent gives focus and the page back as it should. */
  readonly open: boolean;
  /** The delete flags about to turn on. */
  readonly codes: readonly FlagCode[];
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

export function ConfirmDeleteDialog({ open, codes, onConfirm, onCancel }: ConfirmDeleteDialogProps) {
  const styles = useStyles();
  const modal = useModalStyles();
  const touch = useTouchStyles();
  const { t } = useTranslation();
  usePageScrollLock(open);
  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_, data) => !data.open && onCancel()}>
      <DialogSurface className={mergeClasses(styles.surface, modal.surface)}>
        <DialogBody>
          <DialogTitle>{t("confirmDelete.title", { count: codes.length })}</DialogTitle>
          <DialogContent>
            <ul className={styles.list} data-testid="delete-consequences">
              {codes.map((c) => (
                <li key={c}>
                  <Text weight="semibold">{deleteConsequence(t, c)}</Text>
                </li>
              ))}
            </ul>
            <Text>{t("confirmDelete.irreversible")}</Text>
          </DialogContent>
          {/* Cancel comes first and takes the focus: a stray Enter or Space never turns a deletion on. */}
          <DialogActions className={modal.actions}>
            <Button className={touch.button} onClick={onCancel}>{t("confirmDelete.cancel")}</Button>
            <Button className={touch.button} appearance="primary" onClick={onConfirm}>
              {t("confirmDelete.confirm", { count: codes.length })}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
