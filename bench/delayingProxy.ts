/**
 * An HTTPS proxy in front of the add-in server that holds every /api/ request for a while before passing
 * it on, and passes everything else at once: "the server's API slowed by 2 s" without Playwright's request
 * interception, which would route every request of the page (scripts included) through the test process.
 */
import { request as httpsRequest, createServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface DelayingProxy {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDelayingProxy(target: string, delayMs: number, tls: { key: string; cert: string }): Promise<DelayingProxy> {
  const upstream = new URL(target);
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const pass = () => {
      const forward = httpsRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          rejectUnauthorized: false,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      req.pipe(forward);
    };
    if (req.url?.startsWith("/api/")) setTimeout(pass, delayMs);
    else pass();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
