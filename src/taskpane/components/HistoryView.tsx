/**
 * Who changed a user's setup, what and when: newest first, a page at a time. Administrators can go back
 * to the flags of an entry ("Restore this version"), which the server saves as a new version.
 */
import {
  Badge,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  tokens,
  useId,
} from "@fluentui/react-components";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "../i18n/react";
import { type FlagCode, type Flags, isFlagCode } from "../../core/flags";
import type { HistoryEntry, SyncSetup } from "../../core/setup";
import { deletionsTurnedOn } from "../presets";
import { DeletionWarnings, FlagChange } from "./FlagChange";
import { usePageScrollLock, useModalStyles } from "./modal";
import { useTouchStyles } from "./touch";
import { type ApiClient, ApiError } from "../api";
import { problemText } from "../problems";

const DEFAULT_PAGE_SIZE = 20;

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  title: { margin: 0 },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  entry: {
    display: "flex",
    flexDirection: "column",
    alignItems: "flex-start",
    gap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: 0,
    overflowWrap: "anywhere",
  },
  entryHead: { display: "flex", flexWrap: "wrap", alignItems: "baseline", columnGap: tokens.spacingHorizontalS },
  when: { margin: 0, fontSize: tokens.fontSizeBase300, lineHeight: tokens.lineHeightBase300, fontWeight: tokens.fontWeightSemibold },
  meta: { color: tokens.colorNeutralForeground3 },
  changes: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  quiet: { color: tokens.colorNeutralForeground3 },
  more: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
  dialog: { maxWidth: "min(520px, calc(100% - 24px))" },
});

export interface HistoryViewProps {
  readonly api: ApiClient;
  readonly userCode: string;
  readonly userName: string;
  /** Administrators may restore an entry. */
  readonly administrator: boolean;
  /** The version the pane shows (its ETag): a restore is made from it, and its entry is "Current". */
  readonly currentVersion: number;
  /** A restore was saved: the setup as it is now (setup.userCode says whose). */
  onRestored(setup: SyncSetup): void;
  /** Optional: a restore found that someone changed the setup meanwhile (412); what the server holds now. */
  onStale?(current: SyncSetup): void;
  /** The flags of the current version (the server's, not unsaved edits): what a restore would change is shown from them. */
  readonly currentFlags?: Flags;
  /** Unsaved edits on screen, which a restore replaces: the confirmation says so. */
  readonly unsavedChanges?: number;
  /** Entries per page (the server takes 1 to 100). */
  readonly pageSize?: number;
}

type Notice = { readonly id: number; readonly intent: "success" | "warning" | "error"; readonly key: string; readonly params?: Record<string, unknown> };

interface Loaded {
  readonly entries: readonly HistoryEntry[];
  readonly total: number;
  /** Pages loaded so far. */
  readonly pages: number;
}

export function HistoryView({
  api,
  userCode,
  userName,
  administrator,
  currentVersion,
  onRestored,
  onStale,
  currentFlags,
  unsavedChanges = 0,
  pageSize = DEFAULT_PAGE_SIZE,
}: HistoryViewProps) {
  const styles = useStyles();
  const { t, i18n } = useTranslation();
  const baseId = useId("history");
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [phase, setPhase] = useState<"loading" | "ready" | "failed">("loading");
  const [loadError, setLoadError] = useState<unknown>(null);
  const [more, setMore] = useState<{ state: "idle" | "loading" | "failed"; error?: unknown }>({ state: "idle" });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  // The entry whose restore awaits confirmation (kept while the dialog closes, for its text).
  const [asking, setAsking] = useState<HistoryEntry | null>(null);
  const lastAsked = useRef<HistoryEntry | null>(null);
  if (asking) lastAsked.current = asking;
  // Versions learnt here (a restore, or the state a 412 carried) before the pane passes them down.
  const [learntVersion, setLearntVersion] = useState(0);
  const latestVersion = Math.max(currentVersion, learntVersion);
  /** Bumped by every (re)load: an answer to an older one is dropped. */
  const generation = useRef(0);
  const shownUser = useRef(userCode);
  shownUser.current = userCode;
  const noticeIds = useRef(0);

  const dateFormat = useMemo(() => new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" }), [i18n.language]);

  const reload = useCallback(() => {
    const gen = ++generation.current;
    setPhase("loading");
    setMore({ state: "idle" });
    api.setupHistory(userCode, { page: 1, pageSize }).then(
      (page) => {
        if (gen !== generation.current) return;
        setLoaded({ entries: page.items, total: page.total, pages: 1 });
        setPhase("ready");
      },
      (err: unknown) => {
        if (gen !== generation.current) return;
        setLoadError(err);
        setPhase("failed");
      },
    );
  }, [api, userCode, pageSize]);

  // Another user (or client): start afresh.
  useEffect(() => {
    setLoaded(null);
    setNotice(null);
    setLearntVersion(0);
    reload();
    return () => {
      generation.current += 1;
    };
  }, [reload]);

  // The pane learnt of a newer version (a save, a refresh of a pinned pane): the history shows it too.
  // Once per version: a history that lacks an entry must not be reloaded in a loop.
  const newest = loaded?.entries[0]?.version ?? 0;
  const reloadedFor = useRef(currentVersion);
  useEffect(() => {
    if (phase !== "ready" || currentVersion <= newest || reloadedFor.current === currentVersion) return;
    reloadedFor.current = currentVersion;
    reload();
  }, [currentVersion, newest, phase, reload]);

  const loadOlder = () => {
    if (!loaded || more.state === "loading") return;
    const gen = generation.current;
    const next = loaded.pages + 1;
    setMore({ state: "loading" });
    api.setupHistory(userCode, { page: next, pageSize }).then(
      (page) => {
        if (gen !== generation.current) return;
        setLoaded((prev) => {
          if (!prev) return prev;
          // Changes saved meanwhile shift the pages: an entry already shown is not shown twice.
          const seen = new Set(prev.entries.map((e) => e.version));
          return { entries: [...prev.entries, ...page.items.filter((e) => !seen.has(e.version))], total: page.total, pages: next };
        });
        setMore({ state: "idle" });
      },
      (err: unknown) => {
        if (gen !== generation.current) return;
        setMore({ state: "failed", error: err });
      },
    );
  };

  const say = (intent: Notice["intent"], key: string, params?: Record<string, unknown>) =>
    setNotice({ id: ++noticeIds.current, intent, key, ...(params ? { params } : {}) });

  const restore = async (entry: HistoryEntry) => {
    const forUser = userCode;
    setRestoring(entry.version);
    setNotice(null);
    try {
      const setup = await api.restoreSetup(forUser, entry.version, latestVersion);
      onRestored(setup);
      if (shownUser.current !== forUser) return;
      setLearntVersion((v) => Math.max(v, setup.version));
      say("success", "admin.history.restored", { version: entry.version, current: setup.version });
      reload();
    } catch (err) {
      if (shownUser.current !== forUser) return;
      if (err instanceof ApiError && err.status === 412) {
        const current = err.problem?.current;
        if (current) {
          setLearntVersion((v) => Math.max(v, current.version));
          onStale?.(current);
        }
        say("warning", "admin.history.stale");
        reload();
      } else if (err instanceof ApiError && err.status === 404) {
        say("error", "admin.history.restoreGone");
      } else {
        say("error", "admin.history.restoreFailed", { message: problemText(t, i18n, err) });
      }
    } finally {
      setRestoring(null);
    }
  };


  const actorOf = (e: HistoryEntry): string => {
    switch (e.source) {
      case "x3":
        return t("admin.history.actor.x3");
      case "policy":
        return e.actor.includes("@") ? t("admin.history.actor.policyBy", { actor: e.actor }) : t("admin.history.actor.policy");
      case "default":
        return t("admin.history.actor.default");
      case "restore":
        return t("admin.history.actor.restore", { actor: e.actor });
      case "pane":
        return e.actor === "X3" ? t("admin.history.actor.x3") : t("admin.history.actor.pane", { actor: e.actor });
    }
  };

  const titleId = `${baseId}-title`;
  const entries = loaded?.entries ?? [];
  const hasOlder = !!loaded && loaded.pages * pageSize < loaded.total;

  return (
    <section className={styles.box} aria-labelledby={titleId} aria-busy={phase === "loading" || more.state === "loading"} data-testid="history">
      <Subtitle2 as="h2" id={titleId} className={styles.title}>
        {t("admin.history.title", { name: userName })}
      </Subtitle2>

      {notice && (
        <MessageBar key={notice.id} intent={notice.intent}>
          <MessageBarBody>{t(notice.key, notice.params)}</MessageBarBody>
        </MessageBar>
      )}

      {phase === "loading" && <Spinner size="small" label={t("admin.history.loading")} />}

      {phase === "failed" && (
        <MessageBar intent="error">
          <MessageBarBody>{t("admin.history.failed", { message: problemText(t, i18n, loadError) })}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={reload}>{t("admin.history.retry")}</Button>
          </MessageBarActions>
        </MessageBar>
      )}

      {phase === "ready" && entries.length === 0 && <Text className={styles.quiet}>{t("admin.history.empty")}</Text>}

      {entries.length > 0 && (
        // role="list": WebKit drops the list semantics of an unstyled list.
        <ol className={styles.list} role="list">
          {entries.map((e) => {
            const headingId = `${baseId}-v${e.version}`;
            const isCurrent = e.version === latestVersion;
            return (
              <li key={e.version} className={styles.entry} aria-labelledby={headingId} data-testid={`history-entry-${e.version}`}>
                <div className={styles.entryHead}>
                  <h3 id={headingId} className={styles.when}>
                    <time dateTime={e.at}>{dateFormat.format(new Date(e.at))}</time>
                  </h3>
                  <Caption1 className={styles.meta}>{t("admin.history.version", { version: e.version })}</Caption1>
                  {isCurrent && (
                    <Badge appearance="tint" color="brand" size="small">
                      {t("admin.history.current")}
                    </Badge>
                  )}
                </div>
                <Text>{actorOf(e)}</Text>
                {e.changes.length === 0 ? (
                  <Caption1 className={styles.quiet}>{t("admin.history.noChange")}</Caption1>
                ) : (
                  <ul className={styles.changes}>
                    {e.changes.map((c) => (
                      <FlagChange key={c.code} code={c.code} from={c.from} to={c.to} />
                    ))}
                  </ul>
                )}
                {administrator && !isCurrent && (
                  <Button
                    size="small"
                    aria-describedby={headingId}
                    disabled={restoring !== null || phase === "loading"}
                    icon={restoring === e.version ? <Spinner size="tiny" /> : undefined}
                    onClick={() => setAsking(e)}
                  >
                    {restoring === e.version ? t("admin.history.restoring") : t("admin.history.restore")}
                  </Button>
                )}
              </li>
            );
          })}
        </ol>
      )}

      {loaded && loaded.total > 0 && (
        <Caption1 className={styles.quiet} aria-live="polite">
          {t("admin.history.shown", { shown: entries.length, total: loaded.total })}
        </Caption1>
      )}

      {more.state === "failed" && (
        <MessageBar intent="error">
          <MessageBarBody>{t("admin.history.failed", { message: problemText(t, i18n, more.error) })}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={loadOlder}>{t("admin.history.retry")}</Button>
          </MessageBarActions>
        </MessageBar>
      )}

      <RestoreDialog
        open={asking !== null}
        entry={asking ?? lastAsked.current}
        userName={userName}
        // The flags and the version they belong to come together from the pane; a version learnt here (a
        // 412) that the pane has not caught up with yet leaves the comparison unknown, and Restore disabled.
        target={asking && currentFlags && latestVersion === currentVersion ? flagsAt(currentFlags, currentVersion, entries, asking.version) : null}
        currentFlags={currentFlags ?? null}
        comparable={currentFlags !== undefined}
        unsavedChanges={unsavedChanges}
        onConfirm={() => {
          const entry = asking;
          setAsking(null);
          if (entry) void restore(entry);
        }}
        onCancel={() => setAsking(null)}
      />

      {hasOlder && phase === "ready" && more.state !== "failed" && (
        <div className={styles.more}>
          <Button onClick={loadOlder} disabled={more.state === "loading"}>
            {t("admin.history.showOlder")}
          </Button>
          {more.state === "loading" && <Spinner size="tiny" label={t("admin.history.loadingOlder")} />}
        </div>
      )}
    </section>
  );
}

/**
 * The flags at `version`: the current ones with every newer entry undone. Null when an entry in between is
 * not loaded (pages are newest first, so every entry above a shown one normally is).
 */
export function flagsAt(current: Flags, currentVersion: number, entries: readonly HistoryEntry[], version: number): Flags | null {
  const newer = entries.filter((e) => e.version > version);
  const versions = new Set(newer.map((e) => e.version));
  for (let v = version + 1; v <= currentVersion; v += 1) if (!versions.has(v)) return null;
  const flags = { ...current } as Record<FlagCode, boolean>;
  for (const e of [...newer].sort((a, b) => b.version - a.version)) {
    for (const c of e.changes) if (isFlagCode(c.code)) flags[c.code] = c.from;
  }
  return flags;
}

interface RestoreDialogProps {
  readonly open: boolean;
  readonly entry: HistoryEntry | null;
  readonly userName: string;
  /** The flags the restore leads to, when the loaded history allows computing them. */
  readonly target: Flags | null;
  readonly currentFlags: Flags | null;
  /** The pane gave the current flags: a restore whose changes cannot be worked out is not offered. */
  readonly comparable: boolean;
  readonly unsavedChanges: number;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/**
 * A restore is saved and sent to X3 at once: before it, the administrator sees what changes, what each
 * deletion turned on will do, and that unsaved edits on screen are replaced.
 */
function RestoreDialog({ open, entry, userName, target, currentFlags, comparable, unsavedChanges, onConfirm, onCancel }: RestoreDialogProps) {
  const styles = useStyles();
  const modal = useModalStyles();
  const touch = useTouchStyles();
  usePageScrollLock(open);
  const { t } = useTranslation();
  const changes = target && currentFlags ? (Object.keys(target) as FlagCode[]).filter((c) => target[c] !== currentFlags[c]) : null;
  const deletions = target && currentFlags ? deletionsTurnedOn(currentFlags, target) : [];
  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_, data) => !data.open && onCancel()}>
      <DialogSurface className={mergeClasses(styles.dialog, modal.surface)}>
        <DialogBody>
          <DialogTitle>{t("admin.history.confirmTitle", { version: entry?.version ?? "", name: userName })}</DialogTitle>
          <DialogContent className={styles.box}>
            <Text>{t("admin.history.confirmSent")}</Text>
            {changes === null ? (
              <Text className={styles.quiet}>{t("admin.history.confirmUnknown")}</Text>
            ) : changes.length === 0 ? (
              <Text>{t("admin.history.confirmNoChange")}</Text>
            ) : (
              <ul className={styles.changes} data-testid="restore-changes">
                {changes.map((c) => (
                  <FlagChange key={c} code={c} from={currentFlags![c]} to={target![c]} />
                ))}
              </ul>
            )}
            <DeletionWarnings codes={deletions} />
            {unsavedChanges > 0 && <Text weight="semibold">{t("admin.history.confirmUnsaved", { count: unsavedChanges })}</Text>}
          </DialogContent>
          <DialogActions className={modal.actions}>
            <Button className={touch.button} onClick={onCancel}>{t("admin.history.confirmCancel")}</Button>
            <Button className={touch.button} appearance="primary" disabled={comparable && target === null} onClick={onConfirm}>
              {t("admin.history.confirmRestore")}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
