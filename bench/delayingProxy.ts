/**
 * An HTTPS proxy in front of the add-in server that holds every /api/ request for a while before passing
 * it on, and passes everything else at once: "the server's API slowed by 2 s" without Playwright's request
 * interception, which would route every request of the page (scripts included) through the test process.
 * It speaks HTTP/2 to the browser, as the server does, and passes requests on over one HTTP/2 session to the
 * server, so that what differs between the series is the API's delay, not connections and handshakes.
 */
import type { IncomingHttpHeaders } from "node:http";
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  createSecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { openSessions } from "../src/server/http2Sessions";

export interface DelayingProxy {
  readonly url: string;
  close(): Promise<void>;
}

/** Headers of one connection's hop (HTTP/1.1) or pseudo-headers (HTTP/2): not passed from one to the other. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings"]);

/** `headers` without the ones of the hop they came on. */
export function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(":") && !HOP_BY_HOP.has(name)));
}

export async function startDelayingProxy(target: string, delayMs: number, tls: { key: string; cert: string }): Promise<DelayingProxy> {
  const upstream = new URL(target);
  // One HTTP/2 session to the server, opened again if it ends: the hop adds no TLS handshake to a load.
  let toServer: ClientHttp2Session | null = null;
  const serverSession = (): ClientHttp2Session => {
    if (!toServer || toServer.closed || toServer.destroyed) {
      const session = connect(upstream.origin, { rejectUnauthorized: false });
      session.on("error", () => session.destroy());
      toServer = session;
    }
    return toServer;
  };
  const server = createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true }, (req: Http2ServerRequest, res: Http2ServerResponse) => {
    // Over HTTP/2 only this request's stream ends; over HTTP/1.1 its connection.
    const fail = () => (res.stream ? res.stream.destroy() : req.socket.destroy());
    const pass = () => {
      let forward: ClientHttp2Stream;
      try {
        // An HTTP/1.1 client's Host becomes the request's :authority, the server's.
        const { host: _host, ...headers } = endToEndHeaders(req.headers);
        forward = serverSession().request({
          ...headers,
          [constants.HTTP2_HEADER_METHOD]: req.method,
          [constants.HTTP2_HEADER_PATH]: req.url,
          [constants.HTTP2_HEADER_AUTHORITY]: upstream.host,
        });
      } catch {
        fail();
        return;
      }
      forward.on("response", (headers) => {
        res.writeHead(Number(headers[constants.HTTP2_HEADER_STATUS] ?? 502), endToEndHeaders(headers));
        forward.pipe(res);
      });
      forward.on("error", fail);
      req.pipe(forward);
    };
    if (req.url?.startsWith("/api/")) setTimeout(pass, delayMs);
    else pass();
  });
  const sessions = openSessions(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        toServer?.destroy();
        server.close(() => resolve());
      }),
  };
}
