/**
 * A stand-in for office.js in the browser tests (the CDN cannot be reached here). It follows the
 * documented API the pane uses: Office.onReady, Office.context.mailbox.userProfile, displayLanguage,
 * officeTheme, and roamingSettings with get / set / remove / saveAsync(callback → AsyncResult).
 * Saved settings go to the test through an exposed function, so a reopened pane starts from them.
 */
export interface ShimOptions {
  readonly email: string;
  readonly displayName: string;
  readonly displayLanguage: string;
  readonly dark: boolean;
  /** The mailbox's roaming settings as last saved. */
  readonly settings: Record<string, unknown>;
}

/** Runs in the page (serialized by Playwright): no closures over test variables. */
export function installOfficeShim(o: ShimOptions): void {
  const working: Record<string, unknown> = JSON.parse(JSON.stringify(o.settings));
  const w = window as unknown as { __saveRoaming: (json: string) => Promise<void>; Office: unknown };
  const asyncResult = (status: "succeeded" | "failed", error?: { code: number; message: string }) => ({
    status,
    value: undefined,
    error: error ?? null,
    asyncContext: undefined,
  });
  const roamingSettings = {
    get: (name: string) => working[name],
    set: (name: string, value: unknown) => {
      working[name] = JSON.parse(JSON.stringify(value));
    },
    remove: (name: string) => {
      delete working[name];
    },
    saveAsync: (callback?: (r: unknown) => void) => {
      const json = JSON.stringify(working);
      if (json.length > 32 * 1024) {
        setTimeout(() => callback?.(asyncResult("failed", { code: 9057, message: "Settings too large" })));
        return;
      }
      void w.__saveRoaming(json).then(() => callback?.(asyncResult("succeeded")));
    },
  };
  const info = { host: "Outlook", platform: "OfficeOnline" };
  w.Office = {
    HostType: { Outlook: "Outlook" },
    PlatformType: { OfficeOnline: "OfficeOnline" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    onReady: (callback?: (i: typeof info) => void) =>
      new Promise((resolve) => {
        setTimeout(() => {
          callback?.(info);
          resolve(info);
        }, 0);
      }),
    context: {
      displayLanguage: o.displayLanguage,
      officeTheme: o.dark
        ? { bodyBackgroundColor: "#1f1f1f", bodyForegroundColor: "#ffffff", controlBackgroundColor: "#2b2b2b", controlForegroundColor: "#ffffff" }
        : { bodyBackgroundColor: "#ffffff", bodyForegroundColor: "#242424", controlBackgroundColor: "#ffffff", controlForegroundColor: "#242424" },
      roamingSettings,
      mailbox: { userProfile: { emailAddress: o.email, displayName: o.displayName, timeZone: "UTC", accountType: "enterprise" } },
      requirements: { isSetSupported: (name: string, version?: string) => name === "Mailbox" && Number(version ?? "1.1") <= 1.13 },
    },
  };
}
