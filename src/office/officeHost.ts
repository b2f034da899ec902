/**
 * Whether the pane runs inside Outlook, and what Outlook tells it. Every Office.js call of the pane lives in
 * src/office. Outside Outlook (office.js missing, or loaded in a plain browser tab) the answer is null and
 * the pane runs as a browser preview.
 */
export interface OutlookHost {
  readonly mailboxEmail: string;
  readonly displayName: string;
  readonly displayLanguage: string;
  readonly darkTheme: boolean;
  readonly roamingSettings: Office.RoamingSettings;
}

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
  return {
    mailboxEmail: profile.emailAddress,
    displayName: profile.displayName ?? profile.emailAddress,
    displayLanguage: context.displayLanguage || "en-US",
    darkTheme: isDarkColor(context.officeTheme?.bodyBackgroundColor),
    roamingSettings: context.roamingSettings,
  };
}
