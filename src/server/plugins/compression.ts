/**
 * Compresses text responses (the pane's HTML, scripts and styles, the manifest, the API's JSON) with
 * Brotli or gzip, whichever the client prefers. Images are already compressed and are sent as they are.
 *
 * Register it before any route: @fastify/compress attaches itself to each route as it is declared.
 */
import fastifyCompress from "@fastify/compress";
import type { FastifyInstance } from "fastify";

/** The media types we compress: text, scripts, JSON and XML (problem+json included), SVG. */
export const COMPRESSIBLE_TYPE = /^(text\/|application\/(javascript|ecmascript|json|xml)\b|application\/[\w.-]+\+(json|xml)\b|image\/svg\+xml\b)/i;

/** Below this many bytes compression costs more than it saves. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

export function isCompressible(contentType: string | undefined): boolean {
  return contentType !== undefined && COMPRESSIBLE_TYPE.test(contentType);
}

export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    encodings: ["br", "gzip"],
    threshold: COMPRESSION_THRESHOLD_BYTES,
    customTypes: COMPRESSIBLE_TYPE,
    // Request bodies are small JSON: accepting compressed ones would only let a tiny body inflate
    // past the body limit's intent.
    globalDecompression: false,
  });
  // A shared cache must key every compressible response on Accept-Encoding, including the ones sent
  // uncompressed (no Accept-Encoding, or below the threshold); @fastify/compress marks only those it
  // compresses.
  app.addHook("onSend", async (_request, reply, payload) => {
    const type = reply.getHeader("content-type");
    if (isCompressible(typeof type === "string" ? type : undefined)) {
      const vary = reply.getHeader("vary");
      const current = (Array.isArray(vary) ? vary.join(", ") : String(vary ?? "")).trim();
      if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(current)) {
        // Lower case, as @fastify/compress spells it, so it does not add a second one.
        reply.header("vary", current ? `${current}, accept-encoding` : "accept-encoding");
      }
    }
    return payload;
  });
}
