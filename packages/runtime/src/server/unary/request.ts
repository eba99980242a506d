/**
 * Reading a fast-path request: its body within the limit, and single header values.
 */
import type { IncomingMessage } from "node:http";
import { Code, ConnectError } from "@connectrpc/connect";
import { BodyTooLargeError, readBody } from "../body.ts";

/** The body, refused with ResourceExhausted past `limit` bytes (declared or received), as connect-es does. */
export async function readRequest(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge(error.size, limit);
    throw ConnectError.from(error, Code.Canceled);
  }
}

function tooLarge(size: number, limit: number): ConnectError {
  return new ConnectError(
    `message size ${size} is larger than configured readMaxBytes ${limit}`,
    Code.ResourceExhausted,
  );
}

/** The first value of a header node:http may have made a list. */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
