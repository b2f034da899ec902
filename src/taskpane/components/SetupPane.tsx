/** The pane for one signed-in user: who it is for, the flags, what is happening, Save and Discard. */
import {
  Badge,
  Button,
  Caption1,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { SettingsStore } from "../../office/settingsStore";
import type { ApiClient } from "../api";
import { statusLine } from "../deliveryStatus";
import { type Notice, useSyncSetup } from "../useSyncSetup";
import { FlagMatrix } from "./FlagMatrix";
import { ImpactPreview } from "./ImpactPreview";
import { Prerequisites } from "./Prerequisites";
import { X3ConnectionCheck } from "./X3ConnectionCheck";

const useStyles = makeStyles({
  pane: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  header: { display: "flex", flexWrap: "wrap", alignItems: "baseline", gap: tokens.spacingHorizontalS },
  code: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground2 },
  note: { color: tokens.colorNeutralForeground3 },
  // Sticky, not fixed: it stays in view while scrolling, yet never covers the last flags.
  bar: {
    position: "sticky",
    bottom: 0,
    marginLeft: `calc(-1 * ${tokens.spacingHorizontalM})`,
    marginRight: `calc(-1 * ${tokens.spacingHorizontalM})`,
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  status: { flexBasis: "100%", minHeight: tokens.lineHeightBase300 },
  success: { color: tokens.colorPaletteGreenForeground1 },
  warning: { color: tokens.colorPaletteMarigoldForeground1 },
  error: { color: tokens.colorPaletteRedForeground1 },
  info: { color: tokens.colorNeutralForeground2 },
});

export interface SetupPaneProps {
  readonly api: ApiClient | null;
  readonly settings: SettingsStore;
  readonly mailbox: string;
}

export function SetupPane({ api, settings, mailbox }: SetupPaneProps) {
  const styles = useStyles();
  const { t, i18n } = useTranslation();
  const { state, dirtyFlags, setFlag, save, discard, reload } = useSyncSetup(api, settings);
  const dirty = dirtyFlags.length > 0;
  // A setup X3 lost (its row removed in X3) can be written again as it is.
  const canSave = dirty || state.server?.x3.missing === true;
  const changed = useMemo(() => new Set(dirtyFlags), [dirtyFlags]);
  const timeFormat = useMemo(() => new Intl.DateTimeFormat(i18n.language, { timeStyle: "short" }), [i18n.language]);
  const entitiesOff = useMemo(
    () =>
      Object.fromEntries(
        (state.me?.prerequisites.problems ?? []).filter((p) => p.code === "entity-off" && p.entity).map((p) => [p.entity!, p.parameter ?? ""]),
      ),
    [state.me],
  );
  const status = statusLine(state.server, { saving: state.saving, phase: state.phase, formatTime: (iso) => timeFormat.format(new Date(iso)) });

  // Ctrl+S (Cmd+S on a Mac) saves, as in every editor.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        if (canSave) void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [canSave, save]);

  const noticeText = (n: Notice): { intent: "info" | "warning" | "error" | "success"; text: string } => {
    switch (n.kind) {
      case "offline":
        return { intent: "warning", text: t("status.offline") };
      case "pendingRestored":
        return { intent: "info", text: t("status.pendingRestored") };
      case "merged":
        return { intent: "info", text: t("status.merged") };
      case "conflict":
        return { intent: "warning", text: t("status.conflict", { flags: n.flags.map((c) => t(`flags.${c}`)).join(", ") }) };
      case "roamingFailed":
        return { intent: "error", text: n.tooLarge ? t("status.roamingTooLarge") : t("status.roamingFailed", { message: n.message }) };
      case "problem": {
        const key = `problems.${n.code}`;
        const text = i18n.exists(key) ? t(key, { email: mailbox, code: n.code }) : t("problems.generic", { code: n.code });
        return { intent: "error", text };
      }
    }
  };

  if (state.phase === "loading" || (state.phase === "failed" && !state.edits)) {
    return (
      <div className={styles.pane}>
        {state.phase === "loading" ? (
          <Spinner label={t("status.loading")} />
        ) : null}
        {state.notices.map((n) => {
          const { intent, text } = noticeText(n);
          return (
            <MessageBar key={n.kind} intent={intent}>
              <MessageBarBody>{text}</MessageBarBody>
              <MessageBarActions>
                <Button onClick={() => void reload()}>{t("actions.retry")}</Button>
              </MessageBarActions>
            </MessageBar>
          );
        })}
      </div>
    );
  }

  return (
    <div className={styles.pane}>
      <header className={styles.header}>
        <Text>{t("header.setupFor")}</Text>
        <Text weight="semibold" data-testid="user-name">
          {state.userName}
        </Text>
        <Text className={styles.code} data-testid="user-code">
          {state.userCode}
        </Text>
        {state.me?.administrator && <Badge appearance="tint">{t("header.administrator")}</Badge>}
      </header>

      {state.notices.map((n) => {
        const { intent, text } = noticeText(n);
        return (
          <MessageBar key={n.kind} intent={intent}>
            <MessageBarBody>{text}</MessageBarBody>
          </MessageBar>
        );
      })}

      {state.me && <Prerequisites prerequisites={state.me.prerequisites} />}

      {state.edits && (
        <FlagMatrix
          flags={state.edits}
          changed={changed}
          disabled={state.saving || !api}
          onChange={setFlag}
          locks={state.server?.locks ?? {}}
          entitiesOff={entitiesOff}
        />
      )}

      <Caption1 className={styles.note}>{t("prerequisites.ownership")}</Caption1>

      {api && state.userCode && state.edits && state.phase === "ready" && (
        <ImpactPreview api={api} userCode={state.userCode} flags={state.edits} />
      )}
      {api && state.me?.administrator && <X3ConnectionCheck api={api} />}

      <div className={styles.bar}>
        <Button appearance="primary" disabled={!canSave || state.saving || !api} onClick={() => void save()}>
          {t("actions.save")}
        </Button>
        <Button disabled={!dirty || state.saving} onClick={() => void discard()}>
          {t("actions.discard")}
        </Button>
        {dirty && (
          <Badge appearance="outline" color="warning" data-testid="dirty">
            {t("status.unsaved")}
          </Badge>
        )}
        <Text role="status" aria-live="polite" className={mergeClasses(styles.status, status ? styles[status.tone] : undefined)} data-testid="status">
          {status ? t(status.key, status.params) : ""}
        </Text>
      </div>
    </div>
  );
}
