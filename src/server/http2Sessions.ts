/** HTTP/2 sessions a server holds open, for closing them when the server stops (app.ts, the bench's proxy). */
import type { Http2SecureServer, ServerHttp2Session } from "node:http2";

/** The sessions `server` has open, kept up to date as they start and end. */
export function openSessions(server: Http2SecureServer): ReadonlySet<ServerHttp2Session> {
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  return sessions;
}
