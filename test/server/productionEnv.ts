/** Shared by the server tests that run in production mode. */

/** Everything production mode needs, so loadConfig accepts ADDIN_MODE=production. */
export const PRODUCTION_ENV: Record<string, string> = {
  ADDIN_MODE: "production",
  HOST: "0.0.0.0",
  AUTH_ISSUER: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
  AUTH_AUDIENCE: "api://addin.contoso.com/11111111-1111-1111-1111-111111111111",
  AUTH_JWKS_URL: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/discovery/v2.0/keys",
  X3_BASE_URL: "https://x3.contoso.com",
  X3_USER: "WSADDIN",
  X3_PASSWORD: "not-a-real-password",
  // The Classic SOAP pool (the emulator's, for the tests that start a server against it).
  X3_SOAP_POOL_ALIAS: "SEED",
  TRUST_PROXY: "true",
};
