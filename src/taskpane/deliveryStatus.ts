/** The one line that tells the user where their setup stands: on screen, on the server, in X3. */
import type { SyncSetup } from "../core/setup";

export type Tone = "success" | "warning" | "error" | "info";

export interface StatusLine {
  readonly key: string;
  readonly params: Record<string, string>;
  readonly tone: Tone;
}

export function statusLine(
  server: SyncSetup | null,
  opts: { saving: boolean; phase: "loading" | "cached" | "ready" | "failed"; formatTime: (iso: string) => string },
): StatusLine | null {
  if (opts.saving) return { key: "status.saving", params: {}, tone: "info" };
  if (opts.phase === "loading") return { key: "status.loading", params: {}, tone: "info" };
  if (opts.phase === "cached" || !server) return { key: "status.cached", params: {}, tone: "info" };
  if (server.x3.missing) return { key: server.version === 0 ? "status.noSetupInX3" : "status.missingInX3", params: {}, tone: "warning" };
  const d = server.delivery;
  switch (d.state) {
    case "delivered":
      // Delivered once, but X3 did not answer when asked just now: say so, and since when it is known.
      if (!server.x3.confirmed) {
        return server.x3.lastConfirmedAt
          ? { key: "status.notConfirmed", params: { time: opts.formatTime(server.x3.lastConfirmedAt) }, tone: "warning" }
          : { key: "status.notConfirmedNever", params: {}, tone: "warning" };
      }
      // Taken from X3 (a first read, or an edit made in GESSYP): nobody saved it from here.
      // The time is X3's latest confirmation (this read's), not when the row was first taken in.
      if (server.source === "x3") {
        return { key: "status.fromX3", params: { time: opts.formatTime(server.x3.lastConfirmedAt ?? d.at ?? server.updatedAt ?? "") }, tone: "success" };
      }
      return { key: "status.savedToX3", params: { time: d.at ? opts.formatTime(d.at) : "" }, tone: "success" };
    case "pending":
      return d.message && d.nextAttemptAt
        ? { key: "status.waitingForX3Retry", params: { time: opts.formatTime(d.nextAttemptAt) }, tone: "warning" }
        : { key: "status.waitingForX3", params: {}, tone: "warning" };
    case "failed":
      return { key: "status.rejected", params: { message: d.message ?? "" }, tone: "error" };
    default:
      return { key: "status.notSavedYet", params: {}, tone: "info" };
  }
}
