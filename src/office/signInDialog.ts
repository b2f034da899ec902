/**
 * The sign-in page the Office dialog opens where nested app authentication is not supported
 * (signin-dialog.html). It runs MSAL's redirect flow in the dialog's own window — first visit: off to
 * Entra ID; back here with the answer: the token — and hands the token to the pane with `messageParent`.
 * MSAL's cache is the dialog's sessionStorage, which dies with the dialog.
 */
import type { IPublicClientApplication } from "@azure/msal-browser";
import { type DialogMessage, fetchSignInConfig, loadMsal, type MsalModule, SignInError } from "./signIn";

export interface SignInDialogEnvironment {
  /** `Office.context.ui.messageParent`. */
  readonly messageParent: (message: string) => void;
  readonly location: Pick<Location, "origin" | "pathname" | "search">;
  readonly loadMsal?: () => Promise<MsalModule>;
  readonly fetchImpl?: (input: string, init?: RequestInit) => Promise<Response>;
}

/** Resolves once the token or the failure is sent, or once MSAL navigates to Entra ID. */
export async function runSignInDialog(env: SignInDialogEnvironment): Promise<void> {
  const send = (m: DialogMessage) => env.messageParent(JSON.stringify(m));
  try {
    const config = await fetchSignInConfig(env.fetchImpl);
    if (config.mode !== "entra") throw new SignInError("configuration", "the server does not use Entra ID");
    const msal = await (env.loadMsal ?? loadMsal)();
    let pca: IPublicClientApplication;
    try {
      pca = await msal.createStandardPublicClientApplication({
        // The page itself, without the query: the redirect URI registered for the add-in's application.
        auth: { clientId: config.clientId, authority: config.authority, redirectUri: `${env.location.origin}${env.location.pathname}` },
        cache: { cacheLocation: "sessionStorage" },
      });
    } catch (err) {
      throw new SignInError("msal", err instanceof Error ? err.name : null);
    }
    // Back from Entra ID: the answer is in this page's URL; handled here, wherever the flow started.
    const result = await pca.handleRedirectPromise({ navigateToLoginRequestUrl: false });
    if (result?.accessToken) {
      send({ type: "token", accessToken: result.accessToken, expiresOn: result.expiresOn ? result.expiresOn.getTime() : null });
      return;
    }
    const loginHint = new URLSearchParams(env.location.search).get("login_hint") ?? undefined;
    await pca.acquireTokenRedirect({ scopes: [...config.scopes], ...(loginHint ? { loginHint } : {}) });
  } catch (err) {
    const code = err && typeof err === "object" && "errorCode" in err && typeof err.errorCode === "string" ? err.errorCode : null;
    if (err instanceof SignInError) send({ type: "error", reason: err.reason, detail: err.detail });
    else if (code === "user_cancelled" || code === "access_denied") send({ type: "error", reason: "cancelled", detail: code });
    else send({ type: "error", reason: "msal", detail: code ?? (err instanceof Error ? err.name : null) });
  }
}
