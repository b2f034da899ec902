/**
 * Who changed a user's setup, what and when: newest first, a page at a time. Administrators can go back
 * to the flags of an entry ("Restore this version"), which the server saves as a new version.
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
  Subtitle2,
  Text,
  tokens,
  useId,
} from "@fluentui/react-components";
import type { i18n as I18n, TFunction } from "i18next";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { HistoryEntry, SyncSetup } from "../../core/setup";
import { type ApiClient, ApiError } from "../api";

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
  more: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
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

function problemText(t: TFunction, i18n: I18n, err: unknown): string {
  const code = err instanceof ApiError ? err.code : "generic";
  const key = `problems.${code}`;
  return code !== "generic" && i18n.exists(key) ? t(key, { code }) : t("problems.generic", { code });
}

export function HistoryView({
  api,
  userCode,
  userName,
  administrator,
  currentVersion,
  onRestored,
  onStale,
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

  const onOff = (value: boolean) => t(value ? "admin.history.on" : "admin.history.off");
  const flagLabel = (code: string) => (i18n.exists(`flags.${code}`) ? t(`flags.${code}`) : code);

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
                    {e.changes.map((c) => {
                      const params = { label: flagLabel(c.code), code: c.code, from: onOff(c.from), to: onOff(c.to) };
                      return (
                        <li key={c.code}>
                          <span aria-hidden="true">{t("admin.history.change", params)}</span>
                          <span className={styles.visuallyHidden}>{t("admin.history.changeSpoken", params)}</span>
                        </li>
                      );
                    })}
                  </ul>
                )}
                {administrator && !isCurrent && (
                  <Button
                    size="small"
                    aria-describedby={headingId}
                    disabled={restoring !== null || phase === "loading"}
                    icon={restoring === e.version ? <Spinner size="tiny" /> : undefined}
                    onClick={() => void restore(e)}
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
