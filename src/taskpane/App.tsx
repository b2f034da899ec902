/**
 * The pane's root: theme and language once, then either the Outlook pane (roaming settings, the mailbox's
 * own sign-in) or the browser preview (localStorage, a demo user picked from the development server).
 */
import { FluentProvider, makeStyles, type Theme, Title3, tokens, webLightTheme } from "@fluentui/react-components";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { currentTheme, type OutlookHost, onItemChanged, type PaneTheme, watchTheme } from "../office/officeHost";
import { RoamingSettingsStore } from "../office/settingsStore";
import { ApiClient, ApiError, type TokenSource } from "./api";
import { PaneErrorBoundary } from "./components/LazyBoundary";
import { SetupPane } from "./components/SetupPane";
import { I18nProvider, useTranslation } from "./i18n/react";
import type { PaneI18n } from "./i18n/translator";
import { loadedThemes, loadThemes, needsOtherThemes, type OtherThemes } from "./theme";

/**
 * The browser preview (development only: a demo user picked from the development server) is a chunk of its
 * own: its Select and Field are not part of the Outlook pane's first load. Never prefetched in Outlook.
 */
const BrowserPreview = lazy(() => import(/* webpackChunkName: "preview" */ "./components/BrowserPreview").then((m) => ({ default: m.BrowserPreview })));

const useStyles = makeStyles({
  /**
   * The pane's layout, on an element inside FluentProvider: Fluent gives FluentProvider's className to the
   * portal nodes it mounts popovers, listboxes and dialogs in, so a height or a background there would paint a
   * full-height block over the pane whenever one opens. The provider keeps only its theme (colours, font).
   */
  root: { minHeight: "100vh", boxSizing: "border-box", padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM} 0` },
  main: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "960px", margin: "0 auto" },
  title: { margin: 0 },
});

export interface AppProps {
  readonly host: OutlookHost | null;
  readonly i18n: PaneI18n;
}

/** What the pane shows: Fluent's theme and its name (FluentProvider's data-theme). */
export interface ShownTheme {
  readonly theme: Theme;
  readonly name: "light" | "dark" | "high-contrast";
}

/**
 * Fluent's theme for Outlook's: light, dark, or high contrast when Windows forces its colours — light while
 * the dark and high-contrast themes' chunk has not arrived (`themes` null: its download failed).
 */
export function fluentThemeOf(look: PaneTheme, themes: OtherThemes | null): ShownTheme {
  if (themes && look.highContrast) return { theme: themes.teamsHighContrastTheme, name: "high-contrast" };
  if (themes && look.theme === "dark") return { theme: themes.webDarkTheme, name: "dark" };
  return { theme: webLightTheme, name: "light" };
}

/** Once a download of the themes chunk failed, tried again after these delays (and at each change of theme). */
const THEME_RETRY_MS = [2_000, 10_000, 30_000];

/**
 * The dark and high-contrast themes when `look` needs them: at once if they have arrived (index.tsx waits for
 * them before the first render of a dark or high-contrast pane), else downloaded now; null until then.
 */
function useOtherThemes(look: PaneTheme): OtherThemes | null {
  const [themes, setThemes] = useState(loadedThemes);
  const [attempt, setAttempt] = useState(0);
  const wanted = themes === null && needsOtherThemes(look);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    loadThemes().then(
      (arrived) => {
        if (live) setThemes(arrived);
      },
      () => {
        const delay = THEME_RETRY_MS[attempt];
        if (live && delay !== undefined) retry = setTimeout(() => setAttempt(attempt + 1), delay);
      },
    );
    return () => {
      live = false;
      clearTimeout(retry);
    };
  }, [wanted, attempt, look.theme, look.highContrast]);
  return themes;
}

export function App({ host, i18n }: AppProps) {
  const styles = useStyles();
  // Outlook's theme at open, then its changes (Outlook's theme event, the system's dark mode, forced colours).
  const [look, setLook] = useState<PaneTheme>(() => currentTheme(host));
  useEffect(() => watchTheme(host, setLook), [host]);
  const shown = fluentThemeOf(look, useOtherThemes(look));
  return (
    <I18nProvider i18n={i18n}>
      <FluentProvider theme={shown.theme} lang={i18n.language} data-theme={shown.name}>
        <div className={styles.root}>
          <main className={styles.main}>
            <Heading />
            <PaneErrorBoundary>
              {host ? (
                <OutlookPane host={host} />
              ) : (
                <Suspense fallback={null}>
                  <BrowserPreview />
                </Suspense>
              )}
            </PaneErrorBoundary>
          </main>
        </div>
      </FluentProvider>
    </I18nProvider>
  );
}

function Heading() {
  const styles = useStyles();
  const { t } = useTranslation();
  return (
    <Title3 as="h1" className={styles.title}>
      {t("app.title")}
    </Title3>
  );
}

/**
 * The pane's sign-in (src/office/signIn.ts) is a chunk of its own, fetched at the first API call — after the
 * first render, which comes from roaming settings. A failed download is a network problem, tried again at
 * the next call.
 */
function lazyPaneTokenSource(mailbox: string): TokenSource {
  let source: Promise<TokenSource> | null = null;
  return async (forceRefresh) => {
    source ??= import(/* webpackChunkName: "signin" */ "../office/signIn").then(
      (m) => m.paneTokenSource(mailbox),
      () => {
        source = null;
        throw new ApiError(0, "network");
      },
    );
    return (await source)(forceRefresh);
  };
}

function OutlookPane({ host }: { host: OutlookHost }) {
  const settings = useMemo(() => new RoamingSettingsStore(host.roamingSettings), [host]);
  // The server says how to sign in (development or Entra ID) at the first API call, not before the first render.
  const api = useMemo(() => new ApiClient(lazyPaneTokenSource(host.mailboxEmail)), [host]);
  // A pinned pane stays open while the user selects other items: it keeps its state (nothing here depends on the item).
  return <SetupPane api={api} settings={settings} mailbox={host.mailboxEmail} onItemChanged={onItemChanged} />;
}
