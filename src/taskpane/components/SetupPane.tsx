/**
 * The pane for one signed-in user: whose setup it is (an administrator may open anyone's), what X3 needs
 * before it synchronizes, the flags with their plain-language sentences, presets, history, and a sticky bar
 * with Save, Discard and where the setup stands.
 *
 * The user's own setup stays mounted while an administrator looks at someone else's, so unsaved edits of
 * either are never dropped by switching.
 */
import {
  Badge,
  Button,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ArrowLeft20Regular, History20Regular } from "@fluentui/react-icons";
import { useTranslation } from "../i18n/react";
import type { Entity, FlagCode, Flags } from "../../core/flags";
import type { Me, X3User } from "../../core/setup";
import type { SettingsStore } from "../../office/settingsStore";
import type { ApiClient } from "../api";
import { statusLine } from "../deliveryStatus";
import { prefetchWhenIdle } from "../lazy";
import { listOf, statusTime } from "../listFormat";
import { deletionsTurnedOn } from "../presets";
import { problemSentence } from "../problems";
import { type Notice, type SetupSubject, useSyncSetup } from "../useSyncSetup";
import { ConfirmDeleteDialog, HistoryView, ImpactPreview, PresetsDialog, UserPicker, X3ConnectionCheck } from "../views";
import { FlagMatrix } from "./FlagMatrix";
import { LazyBoundary } from "./LazyBoundary";
import { Prerequisites } from "./Prerequisites";
import { useTouchStyles } from "./touch";

const useStyles = makeStyles({
  pane: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  header: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  who: { display: "flex", flexWrap: "wrap", alignItems: "baseline", gap: tokens.spacingHorizontalS },
  code: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground2 },
  note: { color: tokens.colorNeutralForeground3 },
  toolbar: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  // Sticky, not fixed: it stays in view while scrolling, yet never covers the last flags.
  bar: {
    position: "sticky",
    bottom: 0,
    zIndex: 1,
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
  statusLine: { flexBasis: "100%", minHeight: tokens.lineHeightBase300 },
  dirty: { marginRight: tokens.spacingHorizontalS, verticalAlign: "text-bottom" },
  success: { color: tokens.colorPaletteGreenForeground1 },
  // Marigold on the bar's grey is 2.4:1; the status warning colour reads (4.9:1 light, 8:1 dark).
  warning: { color: tokens.colorStatusWarningForeground1 },
  error: { color: tokens.colorPaletteRedForeground1 },
  info: { color: tokens.colorNeutralForeground2 },
});

export interface SetupPaneProps {
  readonly api: ApiClient | null;
  readonly settings: SettingsStore;
  readonly mailbox: string;
  /**
   * Outlook's ItemChanged (a pinned pane stays open while the user selects other items): the pane keeps
   * its state and unsaved edits, and only brings the delivery status up to date.
   */
  readonly onItemChanged?: (handler: () => void) => () => void;
}

export function SetupPane({ api, settings, mailbox, onItemChanged }: SetupPaneProps) {
  const [me, setMe] = useState<Me | null>(null);
  const [subject, setSubject] = useState<SetupSubject | null>(null);
  // Every setup an administrator opened stays mounted (hidden), so switching never drops unsaved edits.
  const [opened, setOpened] = useState<readonly SetupSubject[]>([]);

  // Dialogs, popovers, history and administration are fetched once the first screen is up.
  useEffect(() => prefetchWhenIdle(), []);

  const open = useCallback(
    (user: X3User) => {
      const next = me && user.code === me.user.code ? null : { code: user.code, name: user.name };
      setSubject(next);
      if (next) setOpened((list) => (list.some((s) => s.code === next.code) ? list : [...list, next]));
    },
    [me],
  );
  return (
    <>
      <SetupEditor
        api={api}
        settings={settings}
        mailbox={mailbox}
        subject={null}
        hidden={subject !== null}
        onMe={setMe}
        me={me}
        onOpen={open}
        onItemChanged={onItemChanged}
      />
      {me &&
        opened.map((s) => (
          <SetupEditor
            key={s.code}
            api={api}
            settings={settings}
            mailbox={mailbox}
            subject={s}
            hidden={subject?.code !== s.code}
            me={me}
            onOpen={open}
            onItemChanged={onItemChanged}
          />
        ))}
    </>
  );
}

/** True from the first time `now` is true. */
function useUsed(now: boolean): boolean {
  const [used, setUsed] = useState(now);
  if (now && !used) setUsed(true);
  return used || now;
}

interface SetupEditorProps extends SetupPaneProps {
  readonly subject: SetupSubject | null;
  readonly hidden: boolean;
  readonly me: Me | null;
  readonly onMe?: (me: Me) => void;
  readonly onOpen: (user: X3User) => void;
}

function SetupEditor({ api, settings, mailbox, subject, hidden, me, onMe, onOpen, onItemChanged }: SetupEditorProps) {
  const styles = useStyles();
  const touch = useTouchStyles();
  const { t, i18n } = useTranslation();
  const { state, dirtyFlags, setFlags, save, discard, reload, refresh, replaceWith } = useSyncSetup(api, settings, subject);
  const [confirming, setConfirming] = useState<{ changes: Partial<Flags>; codes: ReturnType<typeof deletionsTurnedOn> } | null>(null);
  const [presetsOpen, setPresetsOpen] = useState(false);
  // Dialogs stay mounted once opened (their closing animation and focus return need it).
  const confirmUsed = useUsed(confirming !== null);
  const presetsUsed = useUsed(presetsOpen);
  // The codes stay on screen while the dialog fades out.
  const lastConfirm = useRef<readonly FlagCode[]>([]);
  if (confirming) lastConfirm.current = confirming.codes;
  const [view, setView] = useState<"setup" | "history">("setup");

  useEffect(() => {
    if (state.me && onMe) onMe(state.me);
  }, [state.me, onMe]);

  useEffect(() => (onItemChanged && !hidden ? onItemChanged(() => void refresh()) : undefined), [onItemChanged, hidden, refresh]);

  const dirty = dirtyFlags.length > 0;
  // A setup X3 lost (its row removed in X3) can be written again as it is.
  const canSave = dirty || state.server?.x3.missing === true;
  const changed = useMemo(() => new Set(dirtyFlags), [dirtyFlags]);
  const entitiesOff = useMemo(
    () =>
      Object.fromEntries(
        (state.prerequisites?.problems ?? []).filter((p) => p.code === "entity-off" && p.entity).map((p) => [p.entity!, p.parameter ?? ""]),
      ) as Partial<Record<Entity, string>>,
    [state.prerequisites],
  );
  const locks = state.server?.locks ?? {};
  const status = statusLine(state.server, { saving: state.saving, phase: state.phase, formatTime: (iso) => statusTime(i18n.language, iso) });
  const administrator = (me ?? state.me)?.administrator === true;
  const self = (me ?? state.me)?.user ?? null;

  // A deletion turned on is applied only once the user has read what it means.
  const edits = state.edits;
  const request = useCallback(
    (changes: Partial<Flags>) => {
      if (!edits) return;
      const codes = deletionsTurnedOn(edits, changes);
      if (codes.length) setConfirming({ changes, codes });
      else setFlags(changes);
    },
    [edits, setFlags],
  );

  // Ctrl+S (Cmd+S on a Mac) saves, as in every editor.
  useEffect(() => {
    if (hidden) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        if (canSave && !state.saving) void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [hidden, canSave, save, state.saving]);

  const noticeText = (n: Notice): { intent: "info" | "warning" | "error" | "success"; text: string } => {
    switch (n.kind) {
      case "offline":
        return { intent: "warning", text: t(subject ? "status.offlineOther" : "status.offline") };
      case "pendingRestored":
        return { intent: "info", text: t("status.pendingRestored") };
      case "merged":
        return { intent: "info", text: t("status.merged") };
      case "conflict":
        return { intent: "warning", text: t("status.conflict", { flags: listOf(i18n.language, n.flags.map((c) => t(`flags.${c}`))) }) };
      case "roamingFailed":
        // An unsent change only on screen is urgent (the pane must stay open); a saved one only loses the cache.
        return {
          intent: n.unsent ? "warning" : "info",
          text: t(`status.${n.tooLarge ? "roamingFull" : "roamingRetry"}${n.unsent ? "Unsent" : "Saved"}`, { message: n.message }),
        };
      case "problem":
        return { intent: "error", text: problemSentence(t, i18n, n.code, { email: mailbox }) };
    }
  };

  if (hidden) {
    // Kept mounted (state and unsaved edits survive) but out of sight and out of the tab order.
    return null;
  }

  if (state.phase === "loading" || (state.phase === "failed" && !state.edits)) {
    return (
      <div className={styles.pane}>
        {state.phase === "loading" ? <Spinner label={t("status.loading")} /> : null}
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
    <div className={styles.pane} data-subject={state.userCode ?? ""}>
      <header className={styles.header}>
        <div className={styles.who}>
          <Text>{t("header.setupFor")}</Text>
          <Text weight="semibold" data-testid="user-name">
            {state.userName}
          </Text>
          <Text className={styles.code} data-testid="user-code">
            {state.userCode}
          </Text>
          {/* Beside someone else's name it would read as their role: it says the signed-in user's. */}
          {administrator && !subject && <Badge appearance="tint">{t("header.administrator")}</Badge>}
        </div>
        {api && administrator && self && (
          <LazyBoundary fallback={null}>
            <UserPicker api={api} self={self} current={{ code: state.userCode ?? self.code, name: state.userName ?? "", email: "", language: null }} onSelect={onOpen} />
          </LazyBoundary>
        )}
      </header>

      {state.notices.map((n) => {
        const { intent, text } = noticeText(n);
        return (
          <MessageBar key={n.kind} intent={intent}>
            <MessageBarBody>{text}</MessageBarBody>
          </MessageBar>
        );
      })}

      {state.prerequisites && <Prerequisites prerequisites={state.prerequisites} other={subject !== null} />}

      <div className={styles.toolbar}>
        <Button
          className={touch.button}
          icon={view === "history" ? <ArrowLeft20Regular /> : <History20Regular />}
          disabled={!api || !state.userCode}
          onClick={() => setView((v) => (v === "history" ? "setup" : "history"))}
        >
          {view === "history" ? t("toolbar.backToSetup") : t("toolbar.history")}
        </Button>
        {view === "setup" && (
          <Button className={touch.button} disabled={!state.edits || state.saving || !api} onClick={() => setPresetsOpen(true)}>
            {t("toolbar.presets")}
          </Button>
        )}
      </div>

      {view === "history" && api && state.userCode ? (
        <LazyBoundary fallback={<Spinner size="small" label={t("status.loading")} />}>
          <HistoryView
            api={api}
            userCode={state.userCode}
            userName={state.userName ?? state.userCode}
            administrator={administrator}
            currentVersion={state.server?.version ?? state.base?.version ?? 0}
            currentFlags={state.server?.flags ?? state.base?.flags}
            unsavedChanges={dirtyFlags.length}
            onRestored={(setup) => {
              if (setup.userCode !== state.userCode) return;
              // The history says it was restored; the flags behind it are the restored ones.
              replaceWith(setup);
            }}
            onStale={() => void refresh()}
          />
        </LazyBoundary>
      ) : (
        <>
          {state.edits && (
            <FlagMatrix
              flags={state.edits}
              changed={changed}
              disabled={state.saving || !api}
              onRequest={request}
              locks={locks}
              entitiesOff={entitiesOff}
            />
          )}
          <Caption1 className={styles.note}>{t("prerequisites.ownership")}</Caption1>
          {api && state.userCode && state.edits && state.phase === "ready" && (
            <LazyBoundary fallback={null}>
              <ImpactPreview api={api} userCode={state.userCode} flags={state.edits} />
            </LazyBoundary>
          )}
          {api && administrator && !subject && (
            <LazyBoundary fallback={null}>
              <X3ConnectionCheck api={api} />
            </LazyBoundary>
          )}
        </>
      )}

      <div className={styles.bar}>
        <Button className={touch.button} appearance="primary" disabled={!canSave || state.saving || !api} onClick={() => void save()} aria-keyshortcuts="Control+S">
          {t("actions.save")}
        </Button>
        <Button className={touch.button} disabled={!dirty || state.saving} onClick={() => void discard()}>
          {t("actions.discard")}
        </Button>
        {/* The count and the status share a line, the sentence flowing after the badge: at 320 px the bar
            keeps to two rows of buttons and text, not one row each. */}
        <div className={styles.statusLine}>
          {dirty && (
            <Badge appearance="outline" color="warning" data-testid="dirty" className={styles.dirty}>
              {t("status.unsaved", { count: dirtyFlags.length })}
            </Badge>
          )}
          <Text role="status" aria-live="polite" className={status ? styles[status.tone] : undefined} data-testid="status">
            {status ? t(status.key, { ...status.params, context: subject ? "other" : undefined }) : ""}
          </Text>
        </div>
      </div>

      {confirmUsed && (
        <LazyBoundary fallback={null}>
          <ConfirmDeleteDialog
            open={confirming !== null}
            codes={confirming?.codes ?? lastConfirm.current}
            onConfirm={() => {
              if (!confirming || !state.edits) return setConfirming(null);
              // The screen may have moved on while the dialog was open: ask again if more deletions turn on now.
              const now = deletionsTurnedOn(state.edits, confirming.changes);
              if (now.some((c) => !confirming.codes.includes(c))) return setConfirming({ changes: confirming.changes, codes: now });
              setFlags(confirming.changes);
              setConfirming(null);
            }}
            onCancel={() => setConfirming(null)}
          />
        </LazyBoundary>
      )}
      {presetsUsed && state.edits && (
        <LazyBoundary fallback={null}>
          <PresetsDialog
            open={presetsOpen}
            current={state.edits}
            locks={locks}
            entitiesOff={entitiesOff}
            onApply={(flags) => {
              setFlags(flags);
              setPresetsOpen(false);
            }}
            onClose={() => setPresetsOpen(false)}
          />
        </LazyBoundary>
      )}
    </div>
  );
}
