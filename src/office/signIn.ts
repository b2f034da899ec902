/**
 * Production sign-in of the pane: an access token for the add-in's own Entra ID application.
 *
 * - Where Outlook supports nested app authentication (requirement set NestedAppAuth 1.1), MSAL's
 *   nestable client asks Outlook for the token: silently, then with a popup when Entra ID needs the user.
 * - Elsewhere, the Office dialog API opens our sign-in page (signin-dialog.html), which runs MSAL's
 *   redirect flow and hands the token back with `messageParent`.
 *
 * MSAL (70 KB gzip) is loaded with a dynamic import, in its own chunk, at the first token request: the
 * first screen renders from roaming settings before. Tokens live in memory only — never in roaming
 * settings (other mail clients read them) nor in localStorage.
 */
import type { AuthenticationResult, Configuration, IPublicClientApplication } from "@azure/msal-browser";
import { isPaneSignIn, type PaneSignIn } from "../core/paneSignIn";
import { ApiError, devTokenSource, type TokenSource } from "../taskpane/api";

/** What `GET /api/v1/auth/config` answers (src/server/auth/configRoute.ts). */
export type SignInConfig = PaneSignIn;
export type EntraSignInConfig = Extract<SignInConfig, { mode: "entra" }>;

export type MsalModule = typeof import("@azure/msal-browser");

/** Why sign-in failed, for diagnostics; the user sees one sentence ("problems.sign-in-failed"). */
export type SignInFailure = "cancelled" | "interaction-failed" | "dialog-failed" | "configuration" | "msal";

/** The pane phrases it like any API problem, by its code. Status 0: no retry with a fresh token. */
export class SignInError extends ApiError {
  constructor(
    readonly reason: SignInFailure,
    /** MSAL's error code, Office's dialog error code, or a short description. */
    readonly detail: string | null = null,
  ) {
    super(0, "sign-in-failed");
    this.message = detail ? `sign-in failed (${reason}: ${detail})` : `sign-in failed (${reason})`;
  }
}

/** The Office.js the sign-in needs, so tests can stand in for Outlook. */
export interface OfficeForSignIn {
  readonly context: {
    readonly requirements: { isSetSupported(name: string, minVersion?: string): boolean };
    readonly ui: Pick<Office.UI, "displayDialogAsync">;
  };
  readonly EventType: Pick<typeof Office.EventType, "DialogMessageReceived" | "DialogEventReceived">;
  readonly AsyncResultStatus: Pick<typeof Office.AsyncResultStatus, "Failed">;
}

export interface SignInEnvironment {
  /** Office.js; the global `Office` by default. */
  readonly office?: OfficeForSignIn | null;
  /** Loads MSAL; a dynamic import (its own webpack chunk) by default. */
  readonly loadMsal?: () => Promise<MsalModule>;
  /** The sign-in page the dialog opens; `signin-dialog.html` beside the pane by default. */
  readonly dialogUrl?: string;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export const loadMsal = (): Promise<MsalModule> => import(/* webpackChunkName: "msal" */ "@azure/msal-browser");

function globalOffice(): OfficeForSignIn | null {
  return typeof Office === "undefined" ? null : (Office as unknown as OfficeForSignIn);
}

export function supportsNestedAppAuth(office: OfficeForSignIn | null): boolean {
  try {
    return office?.context?.requirements?.isSetSupported("NestedAppAuth", "1.1") === true;
  } catch {
    return false;
  }
}

function errorCode(err: unknown): string | null {
  if (err && typeof err === "object" && "errorCode" in err && typeof err.errorCode === "string") return err.errorCode;
  return err instanceof Error ? err.name : null;
}

function failure(err: unknown, otherwise: SignInFailure): SignInError {
  if (err instanceof SignInError) return err;
  const code = errorCode(err);
  return new SignInError(code === "user_cancelled" ? "cancelled" : otherwise, code);
}

export function isSignInConfig(value: unknown): value is SignInConfig {
  return isPaneSignIn(value);
}

/** How this server signs the pane in. */
export async function fetchSignInConfig(fetchImpl: FetchLike = (u, i) => fetch(u, i)): Promise<SignInConfig> {
  let response: Response;
  try {
    response = await fetchImpl("/api/v1/auth/config", { credentials: "same-origin", cache: "no-cache" });
  } catch {
    throw new ApiError(0, "network");
  }
  if (response.status >= 502 && response.status <= 504) throw new ApiError(response.status, "network");
  // A server that predates production sign-in.
  if (response.status === 404) throw new ApiError(404, "sign-in-unavailable");
  let body: unknown = null;
  try {
    body = response.ok ? JSON.parse(await response.text()) : null;
  } catch {
    body = null;
  }
  if (!isSignInConfig(body)) throw new SignInError("configuration", `GET /api/v1/auth/config answered ${response.status}`);
  return body;
}

/** One attempt at a time: a burst of API calls shares one sign-in (one popup, one dialog). */
function single(source: TokenSource): TokenSource {
  let inFlight: { forceRefresh: boolean; token: Promise<string> } | null = null;
  return (forceRefresh) => {
    if (inFlight && (inFlight.forceRefresh || !forceRefresh)) return inFlight.token;
    const token = source(forceRefresh).finally(() => {
      if (inFlight?.token === token) inFlight = null;
    });
    inFlight = { forceRefresh, token };
    return token;
  };
}

/** Nested app authentication: Outlook holds the account; MSAL asks it for a token for our API. */
function nestedAppAuthSource(config: EntraSignInConfig, loginHint: string | undefined, load: () => Promise<MsalModule>): TokenSource {
  let client: Promise<{ msal: MsalModule; pca: IPublicClientApplication }> | null = null;
  const connect = () =>
    (client ??= (async () => {
      const msal = await load();
      const configuration: Configuration = {
        auth: { clientId: config.clientId, authority: config.authority },
        // Outlook keeps the account; what MSAL caches here dies with the pane.
        cache: { cacheLocation: "memoryStorage" },
      };
      return { msal, pca: await msal.createNestablePublicClientApplication(configuration) };
    })().catch((err: unknown) => {
      client = null;
      throw failure(err, "msal");
    }));

  return async (forceRefresh) => {
    const { msal, pca } = await connect();
    const scopes = [...config.scopes];
    let result: AuthenticationResult;
    try {
      result = await pca.acquireTokenSilent({ scopes, forceRefresh, ...(loginHint ? { loginHint } : {}) });
    } catch (err) {
      if (!(err instanceof msal.InteractionRequiredAuthError)) throw failure(err, "msal");
      try {
        result = await pca.acquireTokenPopup({ scopes, ...(loginHint ? { loginHint } : {}) });
      } catch (popupErr) {
        throw failure(popupErr, "interaction-failed");
      }
    }
    if (!result.accessToken) throw new SignInError("msal", "no access token");
    return result.accessToken;
  };
}

/** What the sign-in page sends back to the pane through `messageParent` (JSON). */
export type DialogMessage =
  | { readonly type: "token"; readonly accessToken: string; readonly expiresOn: number | null }
  | { readonly type: "error"; readonly reason: SignInFailure; readonly detail: string | null };

// Office's dialog error codes: 12006 the user closed the dialog.
const DIALOG_CLOSED_BY_USER = 12006;
// A token without an expiry is used for 5 minutes at most.
const UNKNOWN_LIFETIME_MS = 5 * 60_000;

function parseDialogMessage(message: string): DialogMessage | null {
  try {
    const m = JSON.parse(message) as Partial<DialogMessage> | null;
    if (m?.type === "token" && typeof m.accessToken === "string" && m.accessToken) {
      return { type: "token", accessToken: m.accessToken, expiresOn: typeof m.expiresOn === "number" ? m.expiresOn : null };
    }
    if (m?.type === "error") return { type: "error", reason: m.reason ?? "msal", detail: typeof m.detail === "string" ? m.detail : null };
  } catch {
    // Not ours: refused below.
  }
  return null;
}

/** The Office dialog API: our sign-in page in a dialog, the token back by message. */
function dialogSource(office: OfficeForSignIn | null, dialogUrl: string, loginHint: string | undefined): TokenSource {
  let cached: { token: string; expiresAt: number } | null = null;
  const open = () =>
    new Promise<{ token: string; expiresAt: number }>((resolve, reject) => {
      if (!office) {
        reject(new SignInError("dialog-failed", "Office.js is not available"));
        return;
      }
      // An Outlook without the dialog API (DialogApi 1.1) fails like a dialog that could not open, not with a TypeError.
      if (typeof office.context.ui?.displayDialogAsync !== "function") {
        reject(new SignInError("dialog-failed", "Office's dialog API is not available"));
        return;
      }
      const url = new URL(dialogUrl, window.location.href);
      if (loginHint) url.searchParams.set("login_hint", loginHint);
      office.context.ui.displayDialogAsync(url.href, { height: 60, width: 30 }, (opened) => {
        if (opened.status === office.AsyncResultStatus.Failed) {
          reject(new SignInError("dialog-failed", String(opened.error?.code ?? "")));
          return;
        }
        const dialog = opened.value;
        let settled = false;
        const settle = (outcome: () => void) => {
          if (settled) return;
          settled = true;
          try {
            dialog.close();
          } catch {
            // Already closed.
          }
          outcome();
        };
        dialog.addEventHandler(office.EventType.DialogMessageReceived, (arg) => {
          const { message, origin } = arg as { message?: string; origin?: string };
          // Only our own page may hand us a token.
          if (origin !== undefined && origin !== url.origin) return;
          const m = parseDialogMessage(message ?? "");
          if (!m) return;
          if (m.type === "error") settle(() => reject(new SignInError(m.reason, m.detail)));
          else settle(() => resolve({ token: m.accessToken, expiresAt: m.expiresOn ?? Date.now() + UNKNOWN_LIFETIME_MS }));
        });
        dialog.addEventHandler(office.EventType.DialogEventReceived, (arg) => {
          const code = (arg as { error?: number }).error;
          settle(() => reject(new SignInError(code === DIALOG_CLOSED_BY_USER ? "cancelled" : "dialog-failed", String(code ?? ""))));
        });
      });
    });

  return async (forceRefresh) => {
    if (!forceRefresh && cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
    cached = null;
    cached = await open();
    return cached.token;
  };
}

/** A `TokenSource` for the add-in's API, through nested app authentication or the dialog API. */
export function entraTokenSource(config: EntraSignInConfig, options: { loginHint?: string; env?: SignInEnvironment } = {}): TokenSource {
  const env = options.env ?? {};
  const office = env.office === undefined ? globalOffice() : env.office;
  let chosen: TokenSource | null = null;
  return single((forceRefresh) => {
    chosen ??= supportsNestedAppAuth(office)
      ? nestedAppAuthSource(config, options.loginHint, env.loadMsal ?? loadMsal)
      : dialogSource(office, env.dialogUrl ?? "signin-dialog.html", options.loginHint);
    return chosen(forceRefresh);
  });
}

/**
 * The pane's sign-in, whatever the server: asks the server how (`GET /api/v1/auth/config`) at the first
 * token request, then the development sign-in for the mailbox or Entra ID.
 */
export function paneTokenSource(mailbox: string, options: { fetchImpl?: FetchLike; env?: SignInEnvironment } = {}): TokenSource {
  const fetchImpl = options.fetchImpl ?? ((u, i) => fetch(u, i));
  let source: Promise<TokenSource> | null = null;
  return async (forceRefresh) => {
    source ??= fetchSignInConfig(fetchImpl).then(
      (config) =>
        config.mode === "development"
          ? devTokenSource(mailbox, fetchImpl)
          : entraTokenSource(config, { loginHint: mailbox, ...(options.env ? { env: options.env } : {}) }),
      (err: unknown) => {
        // A server without the route predates production sign-in: its development sign-in, if any, decides.
        if (err instanceof ApiError && err.code === "sign-in-unavailable") return devTokenSource(mailbox, fetchImpl);
        source = null; // asked again next time (e.g. back online)
        throw err;
      },
    );
    return (await source)(forceRefresh);
  };
}
