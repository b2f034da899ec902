/** One request on an HTTP/2 session, for the tests that speak HTTP/2 to a server. */
import { type ClientHttp2Session, constants, connect, type IncomingHttpHeaders } from "node:http2";

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
