/** MSAL for the sign-in tests: the real error classes (so `instanceof` is tested as MSAL throws them), mocked clients. */
export function mockMsalModule(): Record<string, unknown> {
  const actual = jest.requireActual<typeof import("@azure/msal-browser")>("@azure/msal-browser");
  return {
    InteractionRequiredAuthError: actual.InteractionRequiredAuthError,
    BrowserAuthError: actual.BrowserAuthError,
    createNestablePublicClientApplication: jest.fn(),
    createStandardPublicClientApplication: jest.fn(),
  };
}
