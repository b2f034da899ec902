/** Requests for the tests that speak HTTP/2 to a server, and for their HTTP/1.1 counterparts. */
import { type ClientHttp2Session, constants, connect, type IncomingHttpHeaders } from "node:http2";
import { request as httpsRequest } from "node:https";

export interface Http2Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** From the request to the end of the answer. */
  readonly ms: number;
}

/** A session to `url`, once connected (its `alpnProtocol` is then known). */
export async function http2Session(url: string, ca?: string): Promise<ClientHttp2Session> {
  const session = connect(url, ca ? { ca } : { rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => session.once("connect", () => resolve()).once("error", reject));
  return session;
}

export function http2Request(
  session: ClientHttp2Session,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Http2Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const stream = session.request({ [constants.HTTP2_HEADER_METHOD]: method, [constants.HTTP2_HEADER_PATH]: path, ...headers });
    let answer: IncomingHttpHeaders = {};
    let text = "";
    stream.setEncoding("utf8");
    stream.on("response", (h) => (answer = h));
    stream.on("data", (chunk: string) => (text += chunk));
    stream.on("end", () => resolve({ status: Number(answer[constants.HTTP2_HEADER_STATUS]), headers: answer, text, ms: Date.now() - started }));
    stream.on("error", reject);
    stream.end(body);
  });
}

/** A GET from a client that offers only HTTP/1.1 (a connection of its own): the version the server answered in. */
export function http1Get(url: string, options: { ca?: string; headers?: Record<string, string> } = {}): Promise<{ version: string; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const tls = options.ca ? { ca: options.ca } : { rejectUnauthorized: false };
    const req = httpsRequest(url, { ...tls, agent: false, headers: options.headers ?? {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ version: res.httpVersion, status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end();
  });
}
