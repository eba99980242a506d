/**
 * Connect GET on the fast path: the message travels in the query (`?message=…&encoding=…`, base64url
 * when `base64=1`), and a read whose `etag` the client already holds is answered `304 Not Modified`.
 */
import type { IncomingMessage } from "node:http";
import { base64Decode } from "@bufbuild/protobuf/wire";

/** The query parameters of Connect GET (connect-es keeps its own constants private). */
export const paramEncoding = "encoding";
export const paramCompression = "compression";
const paramBase64 = "base64";
const paramMessage = "message";

/** The content type a GET asks for by its `encoding` parameter, as parseContentType would say it. */
export function encodingOf(encoding: string | null): { binary: boolean; stream: false } | undefined {
  if (encoding === "proto") return { binary: true, stream: false };
  if (encoding === "json") return { binary: false, stream: false };
  return undefined;
}

/** The request message bytes of a GET. */
export function messageOf(query: URLSearchParams): Uint8Array {
  const message = query.get(paramMessage) ?? "";
  return query.get(paramBase64) === "1" ? base64Decode(message) : new TextEncoder().encode(message);
}

/** Whether the client's `if-none-match` names the answer's `etag` (or `*`). */
export function notModified(req: IncomingMessage, responseHeader: Headers): boolean {
  const etag = responseHeader.get("etag");
  const wanted = req.headers["if-none-match"];
  if (!etag || !wanted) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, "");
  return wanted.split(",").some((tag) => tag.trim() === "*" || weak(tag) === weak(etag));
}

// What a 304 keeps of the 200 it stands for (RFC 9110 15.4.5): validators and caching headers.
const KEPT = ["etag", "cache-control", "vary", "expires", "date", "content-location"];

/** The headers of a 304 for an answer with `responseHeader`. */
export function notModifiedHeaders(responseHeader: Headers, requestId: string | undefined) {
  const headers: Record<string, string> = requestId === undefined ? {} : { "x-request-id": requestId };
  for (const name of KEPT) {
    const value = responseHeader.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}
