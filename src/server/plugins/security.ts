/**
 * Security headers and rate limits. The pane is framed by Outlook on the web and loads office.js from
 * Microsoft's CDN; everything else comes from this origin.
 */
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";

export const OFFICE_CDN = "https://appsforoffice.microsoft.com";

/** Where Outlook hosts the pane in a frame (Outlook on the web, new Outlook, Microsoft 365). */
export const OUTLOOK_FRAME_ANCESTORS = [
  "https://outlook.office.com",
  "https://outlook.office365.com",
  "https://outlook.live.com",
  "https://outlook.cloud.microsoft",
  "https://*.outlook.com",
  "https://*.office.com",
  "https://*.office365.com",
  "https://*.microsoft365.com",
  "https://*.officeapps.live.com",
];

export async function registerSecurity(app: FastifyInstance, opts: { rateLimitPerMinute: number }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'", OFFICE_CDN],
        // Fluent UI (Griffel) inserts its style rules at run time.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        // The sign-in dialog exchanges its code for a token with Microsoft Entra ID.
        "connect-src": ["'self'", "https://login.microsoftonline.com"],
        "frame-src": ["'self'", OFFICE_CDN],
        "frame-ancestors": ["'self'", ...OUTLOOK_FRAME_ANCESTORS],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "object-src": ["'none'"],
      },
    },
    // frame-ancestors above decides who may frame the pane; X-Frame-Options cannot list Outlook's hosts.
    frameguard: false,
    // Outlook and the Microsoft 365 admin center load the icons from their own origins.
    crossOriginResourcePolicy: { policy: "cross-origin" },
    // The Office dialog API opens windows that report back to the pane.
    crossOriginOpenerPolicy: { policy: "same-origin-allow-popups" },
    crossOriginEmbedderPolicy: false,
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: "no-referrer" },
  });

  // Per address, before anything else runs (sign-in attempts included).
  await app.register(rateLimit, {
    global: true,
    max: opts.rateLimitPerMinute,
    timeWindow: "1 minute",
    keyGenerator: (req) => req.ip,
  });
}

/** Per signed-in mailbox, once sign-in has said who is calling: one user cannot starve the others behind a shared proxy address. */
export async function registerUserRateLimit(api: FastifyInstance, perMinute: number): Promise<void> {
  await api.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: "1 minute",
    hook: "preHandler",
    nameSpace: "x3-sync-setup-user-",
    keyGenerator: (req) => req.caller?.email ?? req.ip,
  });
}
