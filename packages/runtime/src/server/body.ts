/**
 * Reading a request body with a size limit, for events and the unary fast path alike.
 */
import type { IncomingMessage } from "node:http";

/** A request body past its limit; `size` is the declared or received length that crossed it. */
export class BodyTooLargeError extends RangeError {
  constructor(readonly size: number) {
    super("body too large");
  }
}

/**
 * Reads a request body, failing with BodyTooLargeError when it is declared or grows past `limit`
 * bytes (the rest is drained, so the connection stays usable for the answer).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(new BodyTooLargeError(declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.resume();
        reject(new BodyTooLargeError(size));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    });
    req.once("error", reject);
  });
}
