/**
 * The pane's root: theme and language once, then either the Outlook pane (roaming settings, the mailbox's
 * own sign-in) or the browser preview (localStorage, a demo user picked from the development server).
 */
import {
  Field,
  FluentProvider,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Select,
  teamsHighContrastTheme,
  type Theme,
  Title3,
  tokens,
  webDarkTheme,
  webLightTheme,
} from "@fluentui/react-components";
import type { i18n } from "i18next";
import { useEffect, useMemo, useState } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import type { X3User } from "../core/setup";
import { currentTheme, type OutlookHost, onItemChanged, type PaneTheme, watchTheme } from "../office/officeHost";
import { LocalSettingsStore, RoamingSettingsStore } from "../office/settingsStore";
import { paneTokenSource } from "../office/signIn";
import { ApiClient, demoUsers, devTokenSource } from "./api";
import { PaneErrorBoundary } from "./components/LazyBoundary";
import { SetupPane } from "./components/SetupPane";

const useStyles = makeStyles({
  root: { minHeight: "100vh", boxSizing: "border-box", padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM} 0` },
  main: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "960px", margin: "0 auto" },
  title: { margin: 0 },
});

export interface AppProps {
  readonly host: OutlookHost | null;
  readonly i18n: i18n;
}

/** Fluent's theme for Outlook's: light, dark, or high contrast when Windows forces its colours. */
export function fluentThemeOf(look: PaneTheme): Theme {
  if (look.highContrast) return teamsHighContrastTheme;
  return look.theme === "dark" ? webDarkTheme : webLightTheme;
}

export function App({ host, i18n }: AppProps) {
  const styles = useStyles();
  // Outlook's theme at open, then its changes (Outlook's theme event, the system's dark mode, forced colours).
  const [look, setLook] = useState<PaneTheme>(() => currentTheme(host));
  useEffect(() => watchTheme(host, setLook), [host]);
  return (
    <I18nextProvider i18n={i18n}>
      <FluentProvider theme={fluentThemeOf(look)} className={styles.root} lang={i18n.language} data-theme={look.highContrast ? "high-contrast" : look.theme}>
        <main className={styles.main}>
          <Heading />
          <PaneErrorBoundary>{host ? <OutlookPane host={host} /> : <BrowserPreview />}</PaneErrorBoundary>
        </main>
      </FluentProvider>
    </I18nextProvider>
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

function OutlookPane({ host }: { host: OutlookHost }) {
  const settings = useMemo(() => new RoamingSettingsStore(host.roamingSettings), [host]);
  // The server says how to sign in (development or Entra ID) at the first API call, not before the first render.
  const api = useMemo(() => new ApiClient(paneTokenSource(host.mailboxEmail)), [host]);
  // A pinned pane stays open while the user selects other items: it keeps its state (nothing here depends on the item).
  return <SetupPane api={api} settings={settings} mailbox={host.mailboxEmail} onItemChanged={onItemChanged} />;
}

const PREVIEW_USER_KEY = "x3-sync-setup:preview-user";

function BrowserPreview() {
  const { t } = useTranslation();
  const [users, setUsers] = useState<X3User[] | null>(null);
  const [email, setEmail] = useState<string>(() => localStorage.getItem(PREVIEW_USER_KEY) ?? "");
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    demoUsers()
      .then(setUsers)
      .catch(() => setFailed(true));
  }, []);

  const choose = (value: string) => {
    setEmail(value);
    localStorage.setItem(PREVIEW_USER_KEY, value);
  };
  const settings = useMemo(() => new LocalSettingsStore(localStorage, `x3-sync-setup:${email}:`), [email]);
  const api = useMemo(() => (email ? new ApiClient(devTokenSource(email)) : null), [email]);

  return (
    <>
      <MessageBar intent="info">
        <MessageBarBody>{t("preview.banner")}</MessageBarBody>
      </MessageBar>
      <Field label={t("preview.pickUser")} validationState={failed ? "error" : "none"} validationMessage={failed ? t("problems.sign-in-unavailable") : undefined}>
        <Select value={email} onChange={(_, data) => choose(data.value)} data-testid="demo-user">
          <option value="">{t("preview.pickUserPlaceholder")}</option>
          {(users ?? []).map((u) => (
            <option key={u.code} value={u.email}>
              {u.name} ({u.code})
            </option>
          ))}
        </Select>
      </Field>
      {api ? <SetupPane key={email} api={api} settings={settings} mailbox={email} /> : <p>{t("preview.choose")}</p>}
    </>
  );
}
