/**
 * The pane's production sign-in, with MSAL mocked and Office stood in for: nested app authentication
 * (silent, then popup), the dialog fallback, the choice by the server's answer, and failures as a
 * problem code the pane phrases.
 */
import * as msal from "@azure/msal-browser";
import { ApiError } from "../../src/taskpane/api";
import {
  entraTokenSource,
  type EntraSignInConfig,
  type OfficeForSignIn,
  paneTokenSource,
  SignInError,
} from "../../src/office/signIn";

jest.mock("@azure/msal-browser", () => jest.requireActual<typeof import("./msalMock")>("./msalMock").mockMsalModule());

const createNestable = msal.createNestablePublicClientApplication as jest.MockedFunction<typeof msal.createNestablePublicClientApplication>;

const CONFIG: EntraSignInConfig = {
  mode: "entra",
  clientId: "3c9e7f21-5a4b-4c6d-8e9f-0a1b2c3d4e5f",
  authority: "https://login.microsoftonline.com/6f2a9c1e-3b7d-4e58-9a0c-1d2e3f405162",
  scopes: ["api://addin.contoso.com/3c9e7f21-5a4b-4c6d-8e9f-0a1b2c3d4e5f/access_as_user"],
};

function result(accessToken: string): msal.AuthenticationResult {
  return { accessToken, expiresOn: new Date(Date.now() + 3600_000) } as msal.AuthenticationResult;
}

interface FakePca {
  acquireTokenSilent: jest.Mock;
  acquireTokenPopup: jest.Mock;
}

function fakePca(): FakePca {
  const pca = { acquireTokenSilent: jest.fn(), acquireTokenPopup: jest.fn() };
  createNestable.mockResolvedValue(pca as unknown as msal.IPublicClientApplication);
  return pca;
}

type Handler = (arg: unknown) => void;

/** Outlook as the sign-in sees it: whether it has nested app authentication, and its dialogs. */
function fakeOffice(naa: boolean | "throws") {
  const dialogs: { url: string; handlers: Map<string, Handler>; close: jest.Mock }[] = [];
  let failWith: number | null = null;
  const office: OfficeForSignIn = {
    context: {
      requirements: {
        isSetSupported: (name, version) => {
          if (naa === "throws") throw new Error("no requirements API");
          return naa && name === "NestedAppAuth" && version === "1.1";
        },
      },
      ui: {
        displayDialogAsync: ((url: string, _options: unknown, callback: (r: unknown) => void) => {
          if (failWith !== null) {
            callback({ status: "failed", error: { code: failWith } });
            return;
          }
          const handlers = new Map<string, Handler>();
          const close = jest.fn();
          dialogs.push({ url, handlers, close });
          callback({ status: "succeeded", value: { addEventHandler: (type: string, h: Handler) => handlers.set(type, h), close } });
        }) as unknown as Office.UI["displayDialogAsync"],
      },
    },
    // Office's enums are strings at run time.
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" } as unknown as OfficeForSignIn["EventType"],
    AsyncResultStatus: { Failed: "failed" } as unknown as OfficeForSignIn["AsyncResultStatus"],
  };
  const last = () => dialogs[dialogs.length - 1]!;
  return {
    office,
    dialogs,
    failNextDialog: (code: number) => (failWith = code),
    message: (m: unknown, origin = window.location.origin) =>
      last().handlers.get("dialogMessageReceived")!({ message: typeof m === "string" ? m : JSON.stringify(m), origin }),
    closedByUser: () => last().handlers.get("dialogEventReceived")!({ error: 12006 }),
  };
}

async function failureOf(promise: Promise<unknown>): Promise<SignInError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SignInError) return err;
    throw err;
  }
  throw new Error("expected sign-in to fail");
}

/** Lets the dialog's callbacks run. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  jest.clearAllMocks();
  createNestable.mockReset();
  sessionStorage.clear();
  localStorage.clear();
});

describe("with nested app authentication (NestedAppAuth 1.1)", () => {
  it("gets the token silently, loading MSAL only at the first request", async () => {
    const pca = fakePca();
    pca.acquireTokenSilent.mockResolvedValue(result("silent-token"));
    const source = entraTokenSource(CONFIG, { loginHint: "jsmith@contoso.com", env: { office: fakeOffice(true).office } });
    expect(createNestable).not.toHaveBeenCalled();

    await expect(source(false)).resolves.toBe("silent-token");
    expect(createNestable).toHaveBeenCalledWith({
      auth: { clientId: CONFIG.clientId, authority: CONFIG.authority },
      cache: { cacheLocation: "memoryStorage" },
    });
    expect(pca.acquireTokenSilent).toHaveBeenCalledWith({ scopes: CONFIG.scopes, forceRefresh: false, loginHint: "jsmith@contoso.com" });
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled();

    await source(true);
    expect(pca.acquireTokenSilent).toHaveBeenLastCalledWith(expect.objectContaining({ forceRefresh: true }));
    expect(createNestable).toHaveBeenCalledTimes(1);
  });

  it("asks the user in a popup when Entra ID needs an interaction", async () => {
    const pca = fakePca();
    pca.acquireTokenSilent.mockRejectedValue(new msal.InteractionRequiredAuthError("consent_required", "correlation-id", "AADSTS65001"));
    pca.acquireTokenPopup.mockResolvedValue(result("popup-token"));
    const source = entraTokenSource(CONFIG, { loginHint: "jsmith@contoso.com", env: { office: fakeOffice(true).office } });

    // Two API calls at once share one popup.
    await expect(Promise.all([source(false), source(false)])).resolves.toEqual(["popup-token", "popup-token"]);
    expect(pca.acquireTokenPopup).toHaveBeenCalledTimes(1);
    expect(pca.acquireTokenPopup).toHaveBeenCalledWith({ scopes: CONFIG.scopes, loginHint: "jsmith@contoso.com" });
  });

  it("does not open a popup for a failure an interaction cannot fix", async () => {
    const pca = fakePca();
    pca.acquireTokenSilent.mockRejectedValue(Object.assign(new Error("bridge down"), { errorCode: "network_error" }));
    const err = await failureOf(entraTokenSource(CONFIG, { env: { office: fakeOffice(true).office } })(false));
    expect(err).toMatchObject({ code: "sign-in-failed", status: 0, reason: "msal", detail: "network_error" });
    expect(pca.acquireTokenPopup).not.toHaveBeenCalled();
  });

  it("turns every failure into a problem the pane phrases (sign-in-failed)", async () => {
    const pca = fakePca();
    pca.acquireTokenSilent.mockRejectedValue(new msal.InteractionRequiredAuthError("interaction_required", "correlation-id"));
    pca.acquireTokenPopup.mockRejectedValue(new msal.BrowserAuthError("user_cancelled", "correlation-id"));
    const cancelled = await failureOf(entraTokenSource(CONFIG, { env: { office: fakeOffice(true).office } })(false));
    expect(cancelled).toBeInstanceOf(ApiError);
    expect(cancelled).toMatchObject({ code: "sign-in-failed", reason: "cancelled", offline: false });

    pca.acquireTokenPopup.mockRejectedValue(new msal.BrowserAuthError("popup_window_error", "correlation-id"));
    expect(await failureOf(entraTokenSource(CONFIG, { env: { office: fakeOffice(true).office } })(false))).toMatchObject({
      code: "sign-in-failed",
      reason: "interaction-failed",
      detail: "popup_window_error",
    });

    createNestable.mockRejectedValue(new Error("chunk failed to load"));
    const source = entraTokenSource(CONFIG, { env: { office: fakeOffice(true).office } });
    expect(await failureOf(source(false))).toMatchObject({ code: "sign-in-failed", reason: "msal" });
    // MSAL is tried again at the next request.
    fakePca().acquireTokenSilent.mockResolvedValue(result("second-try"));
    await expect(source(false)).resolves.toBe("second-try");
  });
});

describe("without nested app authentication: the Office dialog", () => {
  it("opens our sign-in page and takes the token it sends back, without MSAL in the pane", async () => {
    const outlook = fakeOffice(false);
    const source = entraTokenSource(CONFIG, { loginHint: "jsmith@contoso.com", env: { office: outlook.office } });
    const token = source(false);
    await tick();
    expect(outlook.dialogs).toHaveLength(1);
    const url = new URL(outlook.dialogs[0]!.url);
    expect(url.pathname).toBe("/signin-dialog.html");
    expect(url.searchParams.get("login_hint")).toBe("jsmith@contoso.com");

    outlook.message({ type: "token", accessToken: "dialog-token", expiresOn: Date.now() + 3600_000 });
    await expect(token).resolves.toBe("dialog-token");
    expect(outlook.dialogs[0]!.close).toHaveBeenCalled();
    expect(createNestable).not.toHaveBeenCalled();

    // Kept in memory until it nears its expiry; never in the browser's storage.
    await expect(source(false)).resolves.toBe("dialog-token");
    expect(outlook.dialogs).toHaveLength(1);
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain("dialog-token");

    // The server refused it: a new dialog.
    const fresh = source(true);
    await tick();
    expect(outlook.dialogs).toHaveLength(2);
    outlook.message({ type: "token", accessToken: "fresh-token", expiresOn: null });
    await expect(fresh).resolves.toBe("fresh-token");
  });

  it("is the path too when Office cannot answer the requirement question", async () => {
    const outlook = fakeOffice("throws");
    const token = entraTokenSource(CONFIG, { env: { office: outlook.office } })(false);
    await tick();
    outlook.message({ type: "token", accessToken: "t", expiresOn: null });
    await expect(token).resolves.toBe("t");
  });

  it("ignores messages that are not from our page, and reports the user closing the dialog", async () => {
    const outlook = fakeOffice(false);
    const token = entraTokenSource(CONFIG, { env: { office: outlook.office } })(false);
    await tick();
    outlook.message({ type: "token", accessToken: "forged", expiresOn: null }, "https://evil.example.com");
    outlook.message("not json");
    outlook.closedByUser();
    expect(await failureOf(token)).toMatchObject({ code: "sign-in-failed", reason: "cancelled" });
  });

  it("reports the page's own failure and a dialog Office could not open", async () => {
    const outlook = fakeOffice(false);
    const source = entraTokenSource(CONFIG, { env: { office: outlook.office } });
    const token = source(false);
    await tick();
    outlook.message({ type: "error", reason: "msal", detail: "invalid_client" });
    expect(await failureOf(token)).toMatchObject({ code: "sign-in-failed", reason: "msal", detail: "invalid_client" });

    outlook.failNextDialog(12007);
    expect(await failureOf(source(false))).toMatchObject({ code: "sign-in-failed", reason: "dialog-failed", detail: "12007" });
  });

  it("says sign-in failed, not that something unexpected happened, in an Outlook without the dialog API", async () => {
    const { office } = fakeOffice(false);
    const withoutDialogs = { ...office, context: { requirements: office.context.requirements } } as unknown as OfficeForSignIn;
    const source = entraTokenSource(CONFIG, { env: { office: withoutDialogs } });
    expect(await failureOf(source(false))).toMatchObject({ code: "sign-in-failed", reason: "dialog-failed" });
  });
});

describe("on Outlook for iOS and Android (docs/DEPLOYMENT.md, Sign-in on a phone)", () => {
  // The choice is the requirement set's answer alone; Office.context.platform is never read, so a phone
  // gets what its Outlook build supports: NestedAppAuth 1.1 from build 4.2433.0, the dialog before.
  const onPhone = (naa: boolean, platform: "iOS" | "Android") => {
    const outlook = fakeOffice(naa);
    return { ...outlook, office: { ...outlook.office, context: { ...outlook.office.context, platform } } as OfficeForSignIn };
  };

  it.each(["iOS", "Android"] as const)("uses nested app authentication on %s when Outlook reports NestedAppAuth 1.1", async (platform) => {
    const pca = fakePca();
    pca.acquireTokenSilent.mockResolvedValue(result("phone-token"));
    const phone = onPhone(true, platform);
    await expect(entraTokenSource(CONFIG, { env: { office: phone.office } })(false)).resolves.toBe("phone-token");
    expect(phone.dialogs).toHaveLength(0);
  });

  it.each(["iOS", "Android"] as const)("opens the sign-in dialog on an older %s build without it", async (platform) => {
    const phone = onPhone(false, platform);
    const token = entraTokenSource(CONFIG, { env: { office: phone.office } })(false);
    await tick();
    expect(phone.dialogs).toHaveLength(1);
    phone.message({ type: "token", accessToken: "dialog-token", expiresOn: null });
    await expect(token).resolves.toBe("dialog-token");
    expect(createNestable).not.toHaveBeenCalled();
  });
});

describe("the pane's choice, by the server's answer", () => {
  // jsdom has no fetch Response: this carries what the pane's client reads of one.
  const response = (status: number, body: unknown) =>
    ({ ok: status >= 200 && status < 300, status, text: async () => JSON.stringify(body) }) as unknown as Response;
  function server(config: unknown, status = 200, devSignIn = true) {
    return jest.fn(async (url: string, _init?: RequestInit) => {
      if (url === "/api/v1/auth/config") return response(status, config);
      if (url === "/api/v1/dev/token" && devSignIn) return response(200, { access_token: "dev-token", token_type: "Bearer", expires_in: 3600 });
      return response(404, {});
    });
  }

  it("signs in for development with the mailbox, asking the server only once", async () => {
    const fetchImpl = server({ mode: "development" });
    const source = paneTokenSource("jsmith@contoso.com", { fetchImpl, env: { office: fakeOffice(true).office } });
    await expect(source(false)).resolves.toBe("dev-token");
    await source(false);
    expect(fetchImpl.mock.calls.filter(([u]) => u === "/api/v1/auth/config")).toHaveLength(1);
    expect(JSON.parse(String(fetchImpl.mock.calls.find(([u]) => u === "/api/v1/dev/token")![1]!.body))).toEqual({ email: "jsmith@contoso.com" });
    expect(createNestable).not.toHaveBeenCalled();
  });

  it("signs in with Entra ID with what the server says", async () => {
    fakePca().acquireTokenSilent.mockResolvedValue(result("entra-token"));
    const source = paneTokenSource("jsmith@contoso.com", { fetchImpl: server(CONFIG), env: { office: fakeOffice(true).office } });
    await expect(source(false)).resolves.toBe("entra-token");
    expect(createNestable).toHaveBeenCalledWith(expect.objectContaining({ auth: { clientId: CONFIG.clientId, authority: CONFIG.authority } }));
  });

  it("uses the development sign-in of a server that does not say", async () => {
    await expect(paneTokenSource("jsmith@contoso.com", { fetchImpl: server({}, 404) })(false)).resolves.toBe("dev-token");
  });

  it("says why it cannot sign in: an old server, an odd answer, no network", async () => {
    const old = paneTokenSource("jsmith@contoso.com", { fetchImpl: server({}, 404, false) });
    await expect(old(false)).rejects.toMatchObject({ code: "sign-in-unavailable" });
    const odd = paneTokenSource("jsmith@contoso.com", { fetchImpl: server({ mode: "entra", clientId: "x" }) });
    await expect(odd(false)).rejects.toMatchObject({ code: "sign-in-failed", reason: "configuration" });

    const offline = jest.fn().mockRejectedValueOnce(new TypeError("Failed to fetch"));
    offline.mockImplementation(server({ mode: "development" }));
    const source = paneTokenSource("jsmith@contoso.com", { fetchImpl: offline });
    await expect(source(false)).rejects.toMatchObject({ code: "network", offline: true });
    // Asked again once back online.
    await expect(source(false)).resolves.toBe("dev-token");
  });
});
