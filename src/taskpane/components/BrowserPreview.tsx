/** The browser preview: the pane outside Outlook, on localStorage, as a demo user of the development server. */
import { Field, MessageBar, MessageBarBody, Select } from "@fluentui/react-components";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "../i18n/react";
import type { X3User } from "../../core/setup";
import { LocalSettingsStore } from "../../office/settingsStore";
import { ApiClient, demoUsers, devTokenSource } from "../api";
import { SetupPane } from "./SetupPane";

const PREVIEW_USER_KEY = "x3-sync-setup:preview-user";

export function BrowserPreview() {
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
