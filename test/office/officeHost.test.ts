/**
 * What the pane learns from Outlook, with a fake global Office: the mailbox, the theme (Outlook's colours,
 * isDarkTheme where a host has it, the system's preference when Outlook gives no theme, high contrast), the
 * theme's later changes, and the pinned pane's ItemChanged event, each tolerated where Outlook lacks it.
 */
import {
  currentTheme,
  detectOutlook,
  isDarkColor,
  onItemChanged,
  type OutlookHost,
  themeOf,
  watchTheme,
} from "../../src/office/officeHost";

type Handler = (args: unknown) => void;
type Callback = (r: { status: string; error?: unknown }) => void;

const LIGHT = { bodyBackgroundColor: "#ffffff", bodyForegroundColor: "#242424", controlBackgroundColor: "#ffffff", controlForegroundColor: "#242424" };
const DARK = { bodyBackgroundColor: "#1f1f1f", bodyForegroundColor: "#ffffff", controlBackgroundColor: "#2b2b2b", controlForegroundColor: "#ffffff" };

interface FakeOptions {
  host?: string;
  officeTheme?: Record<string, unknown> | undefined;
  /** Highest Mailbox requirement set; null: no requirements API. */
  mailboxVersion?: string | null;
  /** Leave out Office.EventType and the mailbox's handler methods (an old office.js). */
  noEvents?: boolean;
  /** addHandlerAsync reports failure. */
  addFails?: boolean;
  /** addHandlerAsync throws. */
  addThrows?: boolean;
}

/** Office as documented: onReady, context.mailbox (userProfile, add/removeHandlerAsync), officeTheme, requirements. */
function installOffice(options: FakeOptions = {}) {
  const handlers = new Map<string, Handler[]>();
  const addHandlerAsync = jest.fn((type: string, handler: Handler, callback?: Callback) => {
    if (options.addThrows) throw new Error("not supported");
    if (options.addFails) {
      callback?.({ status: "failed", error: { code: 5000 } });
      return;
    }
    handlers.set(type, [...(handlers.get(type) ?? []), handler]);
    callback?.({ status: "succeeded" });
  });
  const removeHandlerAsync = jest.fn((type: string, callback?: Callback) => {
    handlers.delete(type);
    callback?.({ status: "succeeded" });
  });
  const version = options.mailboxVersion === undefined ? "1.14" : options.mailboxVersion;
  const minor = (v: string) => Number(v.split(".")[1] ?? 0);
  const context: Record<string, unknown> = {
    displayLanguage: "fr-FR",
    officeTheme: "officeTheme" in options ? options.officeTheme : LIGHT,
    roamingSettings: { get: jest.fn(), set: jest.fn(), remove: jest.fn(), saveAsync: jest.fn() },
    mailbox: {
      userProfile: { emailAddress: "jsmith@contoso.com", displayName: "John Smith" },
      ...(options.noEvents ? {} : { addHandlerAsync, removeHandlerAsync }),
    },
    ...(version === null
      ? {}
      : { requirements: { isSetSupported: (name: string, v = "1.1") => name === "Mailbox" && minor(v) <= minor(version) } }),
  };
  const info = { host: options.host ?? "Outlook", platform: "OfficeOnline" };
  (globalThis as { Office?: unknown }).Office = {
    HostType: { Outlook: "Outlook", Word: "Word" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    ...(options.noEvents ? {} : { EventType: { ItemChanged: "olkItemSelectedChanged", OfficeThemeChanged: "officeThemeChanged" } }),
    onReady: () => Promise.resolve(info),
    context,
  };
  return {
    addHandlerAsync,
    removeHandlerAsync,
    count: (type: string) => handlers.get(type)?.length ?? 0,
    fire: (type: string, args: unknown) => {
      for (const h of handlers.get(type) ?? []) h(args);
    },
    setTheme: (theme: Record<string, unknown>) => (context.officeTheme = theme),
  };
}

/** window.matchMedia with switchable answers and change events. */
function installMatchMedia(initial: Record<string, boolean> = {}) {
  const state: Record<string, boolean> = { ...initial };
  const listeners = new Map<string, Set<() => void>>();
  const original = window.matchMedia;
  window.matchMedia = jest.fn((query: string) => {
    const set = listeners.get(query) ?? new Set();
    listeners.set(query, set);
    return {
      get matches() {
        return state[query] ?? false;
      },
      media: query,
      onchange: null,
      addEventListener: (_type: string, l: () => void) => set.add(l),
      removeEventListener: (_type: string, l: () => void) => set.delete(l),
      addListener: (l: () => void) => set.add(l),
      removeListener: (l: () => void) => set.delete(l),
      dispatchEvent: () => false,
    } as unknown as MediaQueryList;
  });
  return {
    set(query: string, matches: boolean) {
      state[query] = matches;
      for (const l of [...(listeners.get(query) ?? [])]) l();
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    restore: () => (window.matchMedia = original),
  };
}

const FORCED = "(forced-colors: active)";
const PREFERS_DARK = "(prefers-color-scheme: dark)";

let media: ReturnType<typeof installMatchMedia>;
beforeEach(() => {
  media = installMatchMedia();
});
afterEach(() => {
  media.restore();
  delete (globalThis as { Office?: unknown }).Office;
});

async function host(options: FakeOptions = {}): Promise<{ host: OutlookHost; office: ReturnType<typeof installOffice> }> {
  const office = installOffice(options);
  const h = await detectOutlook(100);
  if (!h) throw new Error("no host");
  return { host: h, office };
}

describe("isDarkColor and themeOf", () => {
  it("reads Outlook's colours by luminance", () => {
    expect(isDarkColor("#1f1f1f")).toBe(true);
    expect(isDarkColor("#FFFFFF")).toBe(false);
    expect(isDarkColor("nonsense")).toBe(false);
    expect(themeOf(DARK)).toBe("dark");
    expect(themeOf(LIGHT)).toBe("light");
  });

  it("honours isDarkTheme where a host sets it, and says nothing without a usable theme", () => {
    expect(themeOf({ ...LIGHT, isDarkTheme: true })).toBe("dark");
    expect(themeOf({ isDarkTheme: false })).toBe("light");
    expect(themeOf({ isDarkTheme: true })).toBe("dark");
    expect(themeOf({ bodyBackgroundColor: "" })).toBeNull();
    expect(themeOf(undefined)).toBeNull();
  });
});

describe("detectOutlook", () => {
  it("reads the mailbox, the language and a light theme", async () => {
    const { host: h } = await host();
    expect(h).toMatchObject({
      mailboxEmail: "jsmith@contoso.com",
      displayName: "John Smith",
      displayLanguage: "fr-FR",
      theme: "light",
      darkTheme: false,
      highContrast: false,
    });
  });

  it("reads a dark theme from the colours", async () => {
    const { host: h } = await host({ officeTheme: DARK });
    expect(h.theme).toBe("dark");
    expect(h.darkTheme).toBe(true);
  });

  it("honours officeTheme.isDarkTheme", async () => {
    const { host: h } = await host({ officeTheme: { ...LIGHT, isDarkTheme: true } });
    expect(h.theme).toBe("dark");
  });

  it("falls back to the system's preference when Outlook gives no theme (before Mailbox 1.14)", async () => {
    media.set(PREFERS_DARK, true);
    const { host: h } = await host({ officeTheme: undefined });
    expect(h.theme).toBe("dark");
  });

  it("sees Windows high contrast through forced-colors", async () => {
    media.set(FORCED, true);
    const { host: h } = await host();
    expect(h.highContrast).toBe(true);
  });

  it("is null without Office, or in another Office application", async () => {
    expect(await detectOutlook(100)).toBeNull();
    installOffice({ host: "Word" });
    expect(await detectOutlook(100)).toBeNull();
  });

  it("is null when Office never becomes ready", async () => {
    installOffice();
    (globalThis as unknown as { Office: { onReady: () => Promise<unknown> } }).Office.onReady = () => new Promise(() => undefined);
    expect(await detectOutlook(20)).toBeNull();
  });
});

describe("currentTheme", () => {
  it("follows the system in the browser preview", () => {
    expect(currentTheme(null)).toEqual({ theme: "light", highContrast: false });
    media.set(PREFERS_DARK, true);
    media.set(FORCED, true);
    expect(currentTheme(null)).toEqual({ theme: "dark", highContrast: true });
  });

  it("follows Outlook in Outlook, whatever the system says", async () => {
    const { host: h } = await host({ officeTheme: LIGHT });
    media.set(PREFERS_DARK, true);
    expect(currentTheme(h).theme).toBe("light");
  });
});

describe("watchTheme", () => {
  it("reports Outlook's theme changes (OfficeThemeChanged) and stops on cleanup", async () => {
    const { host: h, office } = await host();
    const onChange = jest.fn();
    const stop = watchTheme(h, onChange);
    expect(office.addHandlerAsync).toHaveBeenCalledWith("officeThemeChanged", expect.any(Function), expect.any(Function));
    expect(onChange).not.toHaveBeenCalled();

    office.fire("officeThemeChanged", { type: "officeThemeChanged", officeTheme: DARK });
    expect(onChange).toHaveBeenLastCalledWith({ theme: "dark", highContrast: false });
    // The same theme again is not a change.
    office.fire("officeThemeChanged", { type: "officeThemeChanged", officeTheme: DARK });
    expect(onChange).toHaveBeenCalledTimes(1);
    // An event without the theme: Office.context.officeTheme is read again.
    office.setTheme(LIGHT);
    office.fire("officeThemeChanged", { type: "officeThemeChanged" });
    expect(onChange).toHaveBeenLastCalledWith({ theme: "light", highContrast: false });

    stop();
    // Outlook keeps its one registration (removing and re-adding would race); the listener is gone.
    expect(office.removeHandlerAsync).not.toHaveBeenCalled();
    expect(media.listenerCount()).toBe(0);
    office.fire("officeThemeChanged", { type: "officeThemeChanged", officeTheme: DARK });
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it("reports high contrast turning on and off", async () => {
    const { host: h } = await host();
    const onChange = jest.fn();
    const stop = watchTheme(h, onChange);
    media.set(FORCED, true);
    expect(onChange).toHaveBeenLastCalledWith({ theme: "light", highContrast: true });
    media.set(FORCED, false);
    expect(onChange).toHaveBeenLastCalledWith({ theme: "light", highContrast: false });
    stop();
    media.set(FORCED, true);
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it("follows the system's colour scheme in the browser preview", () => {
    const onChange = jest.fn();
    const stop = watchTheme(null, onChange);
    media.set(PREFERS_DARK, true);
    expect(onChange).toHaveBeenLastCalledWith({ theme: "dark", highContrast: false });
    stop();
    expect(media.listenerCount()).toBe(0);
  });

  it("ignores the system's colour scheme while Outlook gives a theme", async () => {
    const { host: h } = await host({ officeTheme: LIGHT });
    const onChange = jest.fn();
    const stop = watchTheme(h, onChange);
    media.set(PREFERS_DARK, true);
    expect(onChange).not.toHaveBeenCalled();
    stop();
  });

  it("reports at once a change made between detection and the watch", async () => {
    const { host: h, office } = await host({ officeTheme: LIGHT });
    office.setTheme(DARK);
    const onChange = jest.fn();
    const stop = watchTheme(h, onChange);
    expect(onChange).toHaveBeenCalledWith({ theme: "dark", highContrast: false });
    stop();
  });

  it("keeps working where Outlook has no theme event (before Mailbox 1.14, or an old office.js)", async () => {
    for (const options of [{ mailboxVersion: "1.13" }, { noEvents: true }, { addFails: true }, { addThrows: true }] as FakeOptions[]) {
      const { host: h, office } = await host(options);
      const onChange = jest.fn();
      const stop = watchTheme(h, onChange);
      expect(office.count("officeThemeChanged")).toBe(0);
      media.set(FORCED, true);
      expect(onChange).toHaveBeenLastCalledWith({ theme: "light", highContrast: true });
      expect(() => stop()).not.toThrow();
      media.set(FORCED, false);
      expect(office.removeHandlerAsync).not.toHaveBeenCalled();
    }
  });

  it("works without matchMedia at all", async () => {
    const { host: h } = await host();
    const saved = window.matchMedia;
    (window as { matchMedia?: unknown }).matchMedia = undefined;
    try {
      const stop = watchTheme(h, jest.fn());
      expect(() => stop()).not.toThrow();
    } finally {
      window.matchMedia = saved;
    }
  });
});

describe("onItemChanged", () => {
  it("registers for ItemChanged and unregisters", async () => {
    const { office } = await host();
    const handler = jest.fn();
    const stop = onItemChanged(handler);
    expect(office.addHandlerAsync).toHaveBeenCalledWith("olkItemSelectedChanged", expect.any(Function), expect.any(Function));
    office.fire("olkItemSelectedChanged", { type: "olkItemSelectedChanged" });
    office.fire("olkItemSelectedChanged", { type: "olkItemSelectedChanged" });
    expect(handler).toHaveBeenCalledTimes(2);
    expect(handler).toHaveBeenCalledWith({ type: "olkItemSelectedChanged" });
    stop();
    office.fire("olkItemSelectedChanged", { type: "olkItemSelectedChanged" });
    expect(handler).toHaveBeenCalledTimes(2);
    stop();
    expect(office.removeHandlerAsync).not.toHaveBeenCalled();
  });

  it("registers once with Outlook for all listeners, and never removes it (removeHandlerAsync would drop them all)", async () => {
    const { office } = await host();
    const first = jest.fn();
    const second = jest.fn();
    const stopFirst = onItemChanged(first);
    const stopSecond = onItemChanged(second);
    expect(office.addHandlerAsync).toHaveBeenCalledTimes(1);
    stopFirst();
    expect(office.removeHandlerAsync).not.toHaveBeenCalled();
    office.fire("olkItemSelectedChanged", { type: "olkItemSelectedChanged" });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    stopSecond();
    expect(office.removeHandlerAsync).not.toHaveBeenCalled();
    // Subscribed again (React StrictMode's second mount, the pane switching views): no new registration.
    const stopThird = onItemChanged(first);
    expect(office.addHandlerAsync).toHaveBeenCalledTimes(1);
    office.fire("olkItemSelectedChanged", { type: "olkItemSelectedChanged" });
    expect(first).toHaveBeenCalledTimes(1);
    stopThird();
  });

  it("keeps the other listeners when one throws", async () => {
    const { office } = await host();
    const error = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const after = jest.fn();
    const stops = [onItemChanged(() => { throw new Error("boom"); }), onItemChanged(after)];
    office.fire("olkItemSelectedChanged", { type: "olkItemSelectedChanged" });
    expect(after).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalled();
    for (const stop of stops) stop();
    error.mockRestore();
  });

  it("is a no-op without Office, without the event API, or where it fails", async () => {
    expect(() => onItemChanged(jest.fn())()).not.toThrow();
    for (const options of [{ noEvents: true }, { mailboxVersion: "1.4" }, { addFails: true }, { addThrows: true }] as FakeOptions[]) {
      const { office } = await host(options);
      const stop = onItemChanged(jest.fn());
      expect(office.count("olkItemSelectedChanged")).toBe(0);
      expect(() => stop()).not.toThrow();
      expect(office.removeHandlerAsync).not.toHaveBeenCalled();
    }
  });

  it("tries without a requirements API", async () => {
    const { office } = await host({ mailboxVersion: null });
    const handler = jest.fn();
    const stop = onItemChanged(handler);
    office.fire("olkItemSelectedChanged", { type: "olkItemSelectedChanged" });
    expect(handler).toHaveBeenCalledTimes(1);
    stop();
  });
});
