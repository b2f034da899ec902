/** The pane as Outlook mounts it, over a faked server and a settings store, for the component tests. */
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { allFlags } from "../../src/core/flags";
import type { PaneCache } from "../../src/core/paneCache";
import type { SettingsStore } from "../../src/office/settingsStore";
import { ApiClient, devTokenSource } from "../../src/taskpane/api";
import { SetupPane } from "../../src/taskpane/components/SetupPane";
import { createI18n, type Language } from "../../src/taskpane/i18n";
import type { FakeServer } from "./fakeServer";

export function renderPane(server: FakeServer, settings: SettingsStore, language: Language = "en") {
  const api = new ApiClient(devTokenSource("jsmith@contoso.com", server.fetch), server.fetch);
  return render(
    <I18nextProvider i18n={createI18n(language)}>
      <FluentProvider theme={webLightTheme}>
        <SetupPane api={api} settings={settings} mailbox="jsmith@contoso.com" />
      </FluentProvider>
    </I18nextProvider>,
  );
}

/** JSMITH's cache as the pane writes it, everything off, version 0, unless told otherwise. */
export const cached = (over: Partial<PaneCache> = {}): PaneCache => ({
  schema: 1,
  userCode: "JSMITH",
  userName: "John Smith",
  flags: allFlags(false),
  version: 0,
  seenAt: "2026-11-27T08:00:00.000Z",
  pending: null,
  ...over,
});
