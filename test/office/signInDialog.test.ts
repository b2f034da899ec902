/**
 * The dialog's sign-in page (where nested app authentication is missing): MSAL's redirect flow in the
 * dialog, the token — or why not — sent to the pane. MSAL is mocked.
 */
import * as msal from "@azure/msal-browser";
import { runSignInDialog } from "../../src/office/signInDialog";
import type { DialogMessage } from "../../src/office/signIn";

jest.mock("@azure/msal-browser", () => jest.requireActual<typeof import("./msalMock")>("./msalMock").mockMsalModule());

const createStandard = msal.createStandardPublicClientApplication as jest.MockedFunction<typeof msal.createStandardPublicClientApplication>;

const CONFIG = {
  mode: "entra",
  clientId: "3c9e7f21-5a4b-4c6d-8e9f-0a1b2c3d4e5f",
  authority: "https://login.microsoftonline.com/6f2a9c1e-3b7d-4e58-9a0c-1d2e3f405162",
  scopes: ["api://addin.contoso.com/3c9e7f21-5a4b-4c6d-8e9f-0a1b2c3d4e5f/access_as_user"],
};

function serverSaying(body: unknown) {
  return async () => ({ ok: true, status: 200, text: async () => JSON.stringify(body) }) as unknown as Response;
}

function fakePca(redirectResult: Partial<msal.AuthenticationResult> | null) {
  const pca = {
    handleRedirectPromise: jest.fn().mockResolvedValue(redirectResult),
    acquireTokenRedirect: jest.fn().mockResolvedValue(undefined),
  };
  createStandard.mockResolvedValue(pca as unknown as msal.IPublicClientApplication);
  return pca;
}

async function run(search = "", body: unknown = CONFIG) {
  const sent: DialogMessage[] = [];
  await runSignInDialog({
    messageParent: (m) => sent.push(JSON.parse(m) as DialogMessage),
    location: { origin: "https://addin.contoso.com", pathname: "/signin-dialog.html", search },
    fetchImpl: serverSaying(body),
  });
  return sent;
}

beforeEach(() => createStandard.mockReset());

it("goes to Entra ID on the first visit, with the mailbox as login hint", async () => {
  const pca = fakePca(null);
  expect(await run("?login_hint=jsmith%40contoso.com")).toEqual([]);
  expect(createStandard).toHaveBeenCalledWith({
    auth: { clientId: CONFIG.clientId, authority: CONFIG.authority, redirectUri: "https://addin.contoso.com/signin-dialog.html" },
    cache: { cacheLocation: "sessionStorage" },
  });
  expect(pca.handleRedirectPromise).toHaveBeenCalledWith({ navigateToLoginRequestUrl: false });
  expect(pca.acquireTokenRedirect).toHaveBeenCalledWith({ scopes: CONFIG.scopes, loginHint: "jsmith@contoso.com" });
});

it("sends the token to the pane when back from Entra ID", async () => {
  const expiresOn = new Date(Date.now() + 3600_000);
  const pca = fakePca({ accessToken: "dialog-token", expiresOn });
  expect(await run()).toEqual([{ type: "token", accessToken: "dialog-token", expiresOn: expiresOn.getTime() }]);
  expect(pca.acquireTokenRedirect).not.toHaveBeenCalled();
});

it("sends why it failed: the user refused, MSAL failed, the server is not set up for Entra ID", async () => {
  const pca = fakePca(null);
  pca.handleRedirectPromise.mockRejectedValue(new msal.BrowserAuthError("user_cancelled", "correlation-id"));
  expect(await run()).toEqual([{ type: "error", reason: "cancelled", detail: "user_cancelled" }]);

  fakePca(null).handleRedirectPromise.mockRejectedValue(new msal.BrowserAuthError("hash_does_not_contain_known_properties", "correlation-id"));
  expect(await run()).toEqual([{ type: "error", reason: "msal", detail: "hash_does_not_contain_known_properties" }]);

  expect(await run("", { mode: "development" })).toEqual([{ type: "error", reason: "configuration", detail: expect.any(String) }]);
});
