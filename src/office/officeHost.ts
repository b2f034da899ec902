/**
 * Whether the pane runs inside Outlook, and what Outlook tells it. Every Office.js call of the pane lives in
 * src/office. Outside Outlook (office.js missing, or loaded in a plain browser tab) the answer is null and
 * the pane runs as a browser preview.
 *
 * Also here: the pane's theme (Outlook's colours, else the system's light / dark preference; Windows high
 * contrast) and how it changes while the pane is open, and the pinned pane's ItemChanged event. Every event
 * API is feature-checked: an Outlook without it (older requirement sets) keeps working, just without the
 * updates.
 */

export type ThemeName = "light" | "dark";

/** How the pane should look: light or dark, and whether Windows high contrast (forced colours) is on. */
export interface PaneTheme {
  readonly theme: ThemeName;
  readonly highContrast: boolean;
}

export interface OutlookHost extends PaneTheme {
  readonly mailboxEmail: string;
  readonly displayName: string;
  readonly displayLanguage: string;
  /** Same as `theme === "dark"`; kept for the callers written before `theme`. */
  readonly darkTheme: boolean;
  readonly roamingSettings: Office.RoamingSettings;
}

export const FORCED_COLORS_QUERY = "(forced-colors: active)";
export const PREFERS_DARK_QUERY = "(prefers-color-scheme: dark)";

function office(): typeof Office | undefined {
  return typeof Office === "undefined" ? undefined : Office;
}

/** Relative luminance of a #rrggbb colour below 0.4 → dark (Outlook reports its theme as colours). */
export function isDarkColor(hex: string | undefined): boolean {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? "");
  if (!m) return false;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => {
    const c = parseInt(h!, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.4;
}

const HEX_COLOUR = /^#?[0-9a-f]{6}$/i;

/**
 * The theme an Office theme object stands for, or null when it says nothing usable. Outlook documents only
 * the colours (Mailbox 1.14; its docs say `isDarkTheme` is not supported there), other Office hosts also
 * `isDarkTheme`: a `true` there wins, the body background's luminance decides otherwise.
 */
export function themeOf(officeTheme: Partial<Office.OfficeTheme> | null | undefined): ThemeName | null {
  if (!officeTheme) return null;
  if (officeTheme.isDarkTheme === true) return "dark";
  const background = officeTheme.bodyBackgroundColor;
  if (typeof background === "string" && HEX_COLOUR.test(background)) return isDarkColor(background) ? "dark" : "light";
  if (officeTheme.isDarkTheme === false) return "light";
  return null;
}

function mediaMatches(query: string): boolean {
  try {
    return typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia(query).matches === true;
  } catch {
    return false;
  }
}

function currentOfficeTheme(): Partial<Office.OfficeTheme> | undefined {
  try {
    return office()?.context?.officeTheme ?? undefined;
  } catch {
    return undefined;
  }
}

/** The theme from an Office theme (when Outlook gives one), else the system's colour scheme; high contrast from forced colours. */
function paneThemeFrom(officeTheme: Partial<Office.OfficeTheme> | null | undefined): PaneTheme {
  return {
    theme: themeOf(officeTheme) ?? (mediaMatches(PREFERS_DARK_QUERY) ? "dark" : "light"),
    highContrast: mediaMatches(FORCED_COLORS_QUERY),
  };
}

/** How the pane should look now: in Outlook from Outlook's theme, in the browser preview (host null) from the system. */
export function currentTheme(host: OutlookHost | null): PaneTheme {
  return paneThemeFrom(host ? currentOfficeTheme() : undefined);
}

export async function detectOutlook(timeoutMs = 5000): Promise<OutlookHost | null> {
  const o = office();
  if (!o?.onReady) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const info = await Promise.race([
    o.onReady().catch(() => null),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!info || info.host !== o.HostType.Outlook) return null;
  const context = o.context;
  const profile = context.mailbox?.userProfile;
  if (!profile?.emailAddress || !context.roamingSettings) return null;
  const look = paneThemeFrom(context.officeTheme);
  return {
    mailboxEmail: profile.emailAddress,
    displayName: profile.displayName ?? profile.emailAddress,
    displayLanguage: context.displayLanguage || "en-US",
    theme: look.theme,
    highContrast: look.highContrast,
    darkTheme: look.theme === "dark",
    roamingSettings: context.roamingSettings,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Mailbox events. Mailbox.removeHandlerAsync removes every handler of an event type at once, so each type is
// registered with Outlook once per mailbox and fanned out here: one listener leaving does not silence another
// (React's StrictMode mounts effects twice, and several components may listen).

type MailboxEventName = "ItemChanged" | "OfficeThemeChanged";
type Listener = (args: unknown) => void;

interface Registration {
  readonly listeners: Set<Listener>;
  registered: boolean;
}

const registrations = new WeakMap<object, Map<string, Registration>>();

const noop = (): void => undefined;

function failed(o: typeof Office, result: Office.AsyncResult<void> | undefined): boolean {
  const failedStatus = (o.AsyncResultStatus as { Failed?: unknown } | undefined)?.Failed ?? "failed";
  return result?.status === failedStatus;
}

/** Subscribes to a Mailbox event; a no-op (that returns a no-op) where Outlook does not offer it. */
function onMailboxEvent(name: MailboxEventName, minimumMailboxVersion: string, listener: Listener): () => void {
  const o = office();
  let mailbox: Office.Mailbox | undefined;
  let eventType: Office.EventType | undefined;
  try {
    mailbox = o?.context?.mailbox;
    eventType = (o?.EventType as Record<string, Office.EventType> | undefined)?.[name];
    if (!o || !mailbox || !eventType || typeof mailbox.addHandlerAsync !== "function") return noop;
    const requirements = o.context.requirements;
    if (typeof requirements?.isSetSupported === "function" && !requirements.isSetSupported("Mailbox", minimumMailboxVersion)) return noop;
  } catch {
    return noop;
  }
  const box = mailbox;
  const type = eventType;
  let byType = registrations.get(box);
  if (!byType) registrations.set(box, (byType = new Map()));
  let reg = byType.get(String(type));
  if (!reg) {
    const created: Registration = { listeners: new Set(), registered: false };
    byType.set(String(type), (reg = created));
  }
  const registration = reg;
  registration.listeners.add(listener);
  if (!registration.registered) {
    registration.registered = true;
    const dispatch = (args: unknown) => {
      for (const l of [...registration.listeners]) {
        try {
          l(args);
        } catch (error) {
          console.error(`The ${name} handler failed`, error);
        }
      }
    };
    try {
      box.addHandlerAsync(type, dispatch, (result: Office.AsyncResult<void>) => {
        if (failed(o, result)) registration.registered = false;
      });
    } catch {
      registration.registered = false;
    }
  }
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    // Outlook's handler stays registered for the pane's life and fans out to whoever listens now: removing
    // it (removeHandlerAsync drops every handler of the type) and adding it back when the pane switches
    // views would race, and a lost registration means no more events.
    registration.listeners.delete(listener);
  };
}

/** Calls `listener` on every change of a media query; returns the unsubscribe. */
function onMediaChange(query: string, listener: () => void): () => void {
  let mql: MediaQueryList;
  try {
    if (typeof window === "undefined" || typeof window.matchMedia !== "function") return noop;
    mql = window.matchMedia(query);
  } catch {
    return noop;
  }
  if (!mql) return noop;
  if (typeof mql.addEventListener === "function") {
    mql.addEventListener("change", listener);
    return () => mql.removeEventListener("change", listener);
  }
  // Safari before 14, and the old webviews.
  if (typeof mql.addListener === "function") {
    mql.addListener(listener);
    return () => mql.removeListener(listener);
  }
  return noop;
}

/**
 * Reports later changes of the pane's theme: Outlook's theme (Office.EventType.OfficeThemeChanged, Mailbox 1.14,
 * where offered), the system's colour scheme, and Windows high contrast. `onChange` gets the whole new theme,
 * only when it differs from the last one reported (starting from the host's, or the current one for the browser
 * preview); a change that happened between detectOutlook and this call is reported at once. Returns the
 * unsubscribe (for a React effect's cleanup).
 */
export function watchTheme(host: OutlookHost | null, onChange: (theme: PaneTheme) => void): () => void {
  let officeTheme = host ? currentOfficeTheme() : undefined;
  let last: PaneTheme = host ? { theme: host.theme, highContrast: host.highContrast } : paneThemeFrom(undefined);
  let stopped = false;
  const update = () => {
    if (stopped) return;
    const next = paneThemeFrom(officeTheme);
    if (next.theme === last.theme && next.highContrast === last.highContrast) return;
    last = next;
    onChange(next);
  };
  const stops = [onMediaChange(FORCED_COLORS_QUERY, update), onMediaChange(PREFERS_DARK_QUERY, update)];
  if (host) {
    stops.push(
      onMailboxEvent("OfficeThemeChanged", "1.14", (args) => {
        const fromEvent = (args as Partial<Office.OfficeThemeChangedEventArgs> | undefined)?.officeTheme;
        officeTheme = fromEvent ?? currentOfficeTheme();
        update();
      }),
    );
  }
  update();
  return () => {
    stopped = true;
    for (const stop of stops) stop();
  };
}

/**
 * A pinned pane stays open while the user selects another item (Office.EventType.ItemChanged, Mailbox 1.5).
 * `handler` runs on each change (with Outlook's event object); returns the unsubscribe. Where Outlook has no
 * such event (not pinnable, or office.js absent) nothing is registered and the unsubscribe does nothing.
 */
export function onItemChanged(handler: (event: { readonly type?: string }) => void): () => void {
  return onMailboxEvent("ItemChanged", "1.5", (args) => handler((args ?? {}) as { readonly type?: string }));
}
