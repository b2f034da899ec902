/**
 * Latencies of a load, split by where on its connection a request came. autocannon times a connection's
 * first request from the moment it is queued, before the connection exists, so that request also waits
 * for the TCP and TLS handshakes — and, when a load opens 64 connections at once, for the handshakes of
 * the connections ahead of it, which the server and autocannon work through one at a time on the same two
 * cores. Over autocannon's default 10 s those 64 requests are far below the 99th percentile; in the bench's
 * 2-second rounds of a route answering a few thousand requests a second they are about 1 % of the round,
 * so the round's p99 measures connection set-up rather than request handling. Kept apart here (the same
 * response times autocannon records: 2xx answers only), both are reported.
 */
import type autocannon from "autocannon";
import { percentile, round } from "./lib";

export interface LatencySummary {
  /** Requests on connections already open (every one but each connection's first). */
  readonly onOpenConnection: { readonly count: number; readonly p50: number; readonly p99: number };
  /** Each connection's first request, which waited for its handshake. */
  readonly firstOnConnection: { readonly count: number; readonly p50: number; readonly max: number };
}

export class ConnectionLatencies {
  private readonly open: number[] = [];
  private readonly first: number[] = [];

  /** For autocannon's `setupClient`: called once for each connection it opens. */
  readonly attach = (client: autocannon.Client): void => {
    let answered = 0;
    client.on("response", (statusCode: number, _bytes: number, responseTime: number) => {
      const first = answered++ === 0;
      if (statusCode >= 200 && statusCode < 300) (first ? this.first : this.open).push(responseTime);
    });
  };

  summary(): LatencySummary {
    const at = (values: number[], p: number) => (values.length ? round(percentile(values, p), 1) : 0);
    return {
      onOpenConnection: { count: this.open.length, p50: at(this.open, 50), p99: at(this.open, 99) },
      firstOnConnection: { count: this.first.length, p50: at(this.first, 50), max: at(this.first, 100) },
    };
  }
}
