/**
 * Security headers and rate limits. The pane is framed by Outlook on the web and loads office.js from
 * Microsoft's CDN; everything else comes from this origin.
 */
import helmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import rateLimit, { type FastifyRateLimitStore } from "@fastify/rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import { isIPv4, isIPv6 } from "node:net";

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

type Counted = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * Fixed one-minute windows per key, answering each request with the count at its own arrival.
 * @fastify/rate-limit's LocalStore hands every request of a key the same counter object and the plugin
 * reads it after an await: a burst arriving in one turn of the event loop all sees the final count, and
 * is refused whole — the first `max` requests included (test/security/rateLimits.test.ts).
 */
export class ArrivalCountStore implements FastifyRateLimitStore {
  private readonly windows = new Map<string, { count: number; start: number }>();

  /** At most this many keys are remembered; the oldest window is forgotten first, as LocalStore's LRU does. */
  private readonly capacity = 10_000;

  incr(key: string, callback: Counted, timeWindow: number): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.start + timeWindow <= now) {
      this.windows.delete(key);
      if (this.windows.size >= this.capacity) this.windows.delete(this.windows.keys().next().value!);
      window = { count: 0, start: now };
      this.windows.set(key, window);
    }
    window.count += 1;
    callback(null, { current: window.count, ttl: window.start + timeWindow - now });
  }

  read(key: string, callback: Counted, timeWindow: number): void {
    const window = this.windows.get(key);
    const now = Date.now();
    const alive = window && window.start + timeWindow > now;
    callback(null, alive ? { current: window.count, ttl: window.start + timeWindow - now } : { current: 0, ttl: 0 });
  }

  child(): FastifyRateLimitStore {
    return new ArrivalCountStore();
  }
}

/**
 * The per-address limit's key: an IPv4 address as it is, an IPv6 address by its /64 — one subscriber's
 * network (RFC 6177), in which a client may take a new address per request to get a fresh count.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const address = ip.replace(/%.*$/, "");
  const [head, tail] = address.includes("::") ? address.split("::") : [address, null];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (a.b.c.d) counts as two groups; only the first four groups matter here.
  const groups = tail === null ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(":")}::/64`;
}

/**
 * One policy for every response; no nonces, so the headers are the same on each. Scripts come from this origin
 * and office.js's CDN, plus the inline scripts of the pages served, each allowed by its hash (`inlineScripts`:
 * CSP sources such as 'sha256-…'; see inlineScriptSources in staticFiles.ts); never 'unsafe-inline'.
 */
export function helmetOptions(inlineScripts: readonly string[] = []): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'", OFFICE_CDN, ...inlineScripts],
        // The pane's rules come from its style sheet; FluentProvider writes the theme's variables into a <style> at
        // run time, and React's style attributes are inline styles.
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
  };
}

/** Every response header helmet sets with helmetOptions(inlineScripts), as helmet itself writes them. */
export async function securityHeaders(inlineScripts: readonly string[] = []): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, helmetOptions(inlineScripts));
  probe.get("/", async () => "");
  const res = await probe.inject("/");
  await probe.close();
  const notHelmets = new Set(["content-type", "content-length", "date", "connection", "keep-alive"]);
  return Object.fromEntries(Object.entries(res.headers).filter(([name]) => !notHelmets.has(name)).map(([name, value]) => [name, String(value)]));
}

/**
 * Returns the security headers, for the few answers Fastify gives before any hook runs (an address that
 * cannot be decoded: see `frameworkErrors` in app.ts).
 */
export async function registerSecurity(
  app: FastifyInstance,
  opts: { rateLimitPerMinute: number; inlineScripts?: readonly string[] },
): Promise<Record<string, string>> {
  // The policy has no nonce, so every response gets the same headers: helmet writes them once, here, and
  // each response is given the result. (The plugin itself runs helmet's whole middleware chain, parsing the
  // CSP directives again, on every request.)
  const headers = await securityHeaders(opts.inlineScripts);
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });

  // Per address, before anything else runs (sign-in attempts included).
  await app.register(rateLimit, {
    global: true,
    max: opts.rateLimitPerMinute,
    timeWindow: "1 minute",
    store: ArrivalCountStore,
    keyGenerator: (req) => addressKey(req.ip),
  });
  return headers;
}

/**
 * Per signed-in mailbox, as soon as the token is verified and before X3 is asked who it is: one user cannot
 * starve the others behind a shared proxy address, nor make the server query X3 beyond this limit.
 */
export async function registerUserRateLimit(api: FastifyInstance, perMinute: number): Promise<void> {
  await api.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: "1 minute",
    hook: "preParsing",
    store: ArrivalCountStore,
    nameSpace: "x3-sync-setup-user-",
    keyGenerator: (req) => req.verified?.email ?? addressKey(req.ip),
  });
}
