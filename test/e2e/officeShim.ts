/**
 * A stand-in for office.js in the browser tests (the CDN cannot be reached here). It follows the
 * documented API the pane uses: Office.onReady, Office.context.mailbox.userProfile, displayLanguage,
 * officeTheme, and roamingSettings with get / set / remove / saveAsync(callback → AsyncResult); Office.EventType
 * and Mailbox addHandlerAsync / removeHandlerAsync (eventType, handler[, options][, callback → AsyncResult]) for
 * ItemChanged (Mailbox 1.5) and OfficeThemeChanged (1.14). Saved settings go to the test through an exposed
 * function, so a reopened pane starts from them. The test drives Outlook through the page's window
 * (see ShimWindow): `__fireItemChanged()` as when the user selects another item under a pinned pane,
 * `__setOfficeTheme(dark)` as when the user switches Outlook's theme. saveAsync fails as Office's does: 9057
 * past 32 KB, and first with the codes given in `saveFailures` (`__saveOutcomes()` lists what happened).
 */
export interface ShimOptions {
  readonly email: string;
  readonly displayName: string;
  readonly displayLanguage: string;
  readonly dark: boolean;
  /** The mailbox's roaming settings as last saved. */
  readonly settings: Record<string, unknown>;
  /**
   * The highest Mailbox requirement set the client supports (requirements.isSetSupported); "1.14" unless
   * given. Below 1.14 there is no OfficeThemeChanged event, below 1.5 no ItemChanged: addHandlerAsync fails.
   */
  readonly mailboxVersion?: string;
  /** Office error codes the first saveAsync calls fail with, in order (9019: internal error, 9057: too large). */
  readonly saveFailures?: readonly number[];
}

/** What the shim adds to the page's window for the test (`page.evaluate(() => (window as unknown as ShimWindow)…)`). */
export interface ShimWindow {
  /** Outlook selects another item while the pane is pinned: runs the ItemChanged handlers. Returns how many ran. */
  __fireItemChanged(): number;
  /** Outlook's theme changes: updates Office.context.officeTheme and runs the OfficeThemeChanged handlers. Returns how many ran. */
  __setOfficeTheme(dark: boolean): number;
  /** How many handlers are registered for an Office.EventType value (e.g. "olkItemSelectedChanged"). */
  __officeHandlerCount(eventType: string): number;
  /** Each roamingSettings.saveAsync call so far: "ok", or the error code it failed with. */
  __saveOutcomes(): string[];
}

/** Runs in the page (serialized by Playwright): no closures over test variables. */
export function installOfficeShim(o: ShimOptions): void {
  const working: Record<string, unknown> = JSON.parse(JSON.stringify(o.settings));
  const w = window as unknown as {
    __saveRoaming: (json: string) => Promise<void>;
    Office: unknown;
    __fireItemChanged: () => number;
    __setOfficeTheme: (dark: boolean) => number;
    __officeHandlerCount: (eventType: string) => number;
    __saveOutcomes: () => string[];
  };
  const asyncResult = (status: "succeeded" | "failed", error?: { code: number; message: string }, asyncContext?: unknown) => ({
    status,
    value: undefined,
    error: error ?? null,
    asyncContext,
  });
  // Requirement set versions compare part by part: 1.5 < 1.13 < 1.14.
  const parts = (v: string) => v.split(".").map((n) => Number(n) || 0);
  const atMost = (v: string, max: string) => {
    const [a, b] = [parts(v), parts(max)];
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
    return true;
  };
  const mailboxVersion = o.mailboxVersion ?? "1.14";
  const themeOf = (dark: boolean) =>
    dark
      ? { bodyBackgroundColor: "#1f1f1f", bodyForegroundColor: "#ffffff", controlBackgroundColor: "#2b2b2b", controlForegroundColor: "#ffffff" }
      : { bodyBackgroundColor: "#ffffff", bodyForegroundColor: "#242424", controlBackgroundColor: "#ffffff", controlForegroundColor: "#242424" };
  // Office.EventType's values for the Mailbox events, and the requirement set that brought each.
  const EventType = { ItemChanged: "olkItemSelectedChanged", OfficeThemeChanged: "officeThemeChanged" };
  const eventSince: Record<string, string> = { [EventType.ItemChanged]: "1.5", [EventType.OfficeThemeChanged]: "1.14" };
  const handlers: Record<string, ((args: unknown) => void)[]> = {};
  type Callback = (r: ReturnType<typeof asyncResult>) => void;
  /** (options?, callback?) as Office takes them: options may be left out, its asyncContext comes back. */
  const optionsAndCallback = (a?: unknown, b?: unknown): { context: unknown; callback: Callback | undefined } =>
    typeof a === "function"
      ? { context: undefined, callback: a as Callback }
      : { context: (a as { asyncContext?: unknown } | undefined)?.asyncContext, callback: b as Callback | undefined };
  const mailbox = {
    userProfile: { emailAddress: o.email, displayName: o.displayName, timeZone: "UTC", accountType: "enterprise" },
    addHandlerAsync: (eventType: string, handler: (args: unknown) => void, a?: unknown, b?: unknown) => {
      const { context, callback } = optionsAndCallback(a, b);
      const since = eventSince[eventType];
      if (since === undefined || !atMost(since, mailboxVersion) || typeof handler !== "function") {
        setTimeout(() => callback?.(asyncResult("failed", { code: 5000, message: "The specified event type is not supported." }, context)));
        return;
      }
      (handlers[eventType] ??= []).push(handler);
      setTimeout(() => callback?.(asyncResult("succeeded", undefined, context)));
    },
    removeHandlerAsync: (eventType: string, a?: unknown, b?: unknown) => {
      const { context, callback } = optionsAndCallback(a, b);
      // Mailbox.removeHandlerAsync removes every handler of the event type.
      delete handlers[eventType];
      setTimeout(() => callback?.(asyncResult("succeeded", undefined, context)));
    },
  };
  const fire = (eventType: string, args: unknown): number => {
    const list = [...(handlers[eventType] ?? [])];
    for (const h of list) h(args);
    return list.length;
  };
  const failures = [...(o.saveFailures ?? [])];
  const outcomes: string[] = [];
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
      // The 32 KB are counted on the settings as stored (JSON, UTF-8).
      const injected = failures.shift();
      const code = injected ?? (new TextEncoder().encode(json).length > 32 * 1024 ? 9057 : undefined);
      outcomes.push(code === undefined ? "ok" : String(code));
      if (code !== undefined) {
        const message = code === 9057 ? "Settings too large" : "An internal error has occurred.";
        setTimeout(() => callback?.(asyncResult("failed", { code, message })));
        return;
      }
      void w.__saveRoaming(json).then(() => callback?.(asyncResult("succeeded")));
    },
  };
  const info = { host: "Outlook", platform: "OfficeOnline" };
  const context = {
    displayLanguage: o.displayLanguage,
    officeTheme: themeOf(o.dark),
    roamingSettings,
    mailbox,
    requirements: { isSetSupported: (name: string, version?: string) => name === "Mailbox" && atMost(version ?? "1.1", mailboxVersion) },
  };
  w.__fireItemChanged = () => fire(EventType.ItemChanged, { type: EventType.ItemChanged });
  w.__setOfficeTheme = (dark: boolean) => {
    context.officeTheme = themeOf(dark);
    return fire(EventType.OfficeThemeChanged, { type: EventType.OfficeThemeChanged, officeTheme: context.officeTheme });
  };
  w.__officeHandlerCount = (eventType: string) => handlers[eventType]?.length ?? 0;
  w.__saveOutcomes = () => [...outcomes];
  w.Office = {
    HostType: { Outlook: "Outlook" },
    PlatformType: { OfficeOnline: "OfficeOnline" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType,
    onReady: (callback?: (i: typeof info) => void) =>
      new Promise((resolve) => {
        setTimeout(() => {
          callback?.(info);
          resolve(info);
        }, 0);
      }),
    context,
  };
}
