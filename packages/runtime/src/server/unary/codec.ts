/**
 * Messages in and out of the fast path: parsing, decompressing and encoding, with the codes connect-go
 * gives a client's mistakes, and responses encoded once when marked reusable.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { Compression, createMethodSerializationLookup } from "@connectrpc/connect/protocol";

/** How one method's messages are (de)serialised, as connect-es looks it up. */
export type Serialization = ReturnType<typeof createMethodSerializationLookup>;

/** Encodings of responses marked reusable, made once per message and format. */
const encodings = new WeakMap<object, { binary?: Uint8Array; json?: Uint8Array }>();

/**
 * Marks `message` as a response that is never changed once built (a cached read), so the fast path
 * encodes it once and answers every caller with the same bytes. Returns the message.
 */
export function reusableResponse<T extends object>(message: T): T {
  if (!encodings.has(message)) encodings.set(message, {});
  return message;
}

/** Encodes a response, once per message and format when it was marked reusable. */
export function encode(message: object, binary: boolean, serialization: Serialization): Uint8Array {
  const known = encodings.get(message);
  if (!known) return serialization.getO(binary).serialize(message as never);
  if (binary) {
    known.binary ??= serialization.getO(true).serialize(message as never);
    return known.binary;
  }
  known.json ??= serialization.getO(false).serialize(message as never);
  return known.json;
}

/** Decompresses a request body; a body that does not decompress is InvalidArgument. */
export async function decompress(compression: Compression, bytes: Uint8Array, readMaxBytes: number) {
  try {
    return await compression.decompress(bytes, readMaxBytes);
  } catch (error) {
    // connect-es says Internal for a body that does not decompress; it is the client's mistake too.
    if (error instanceof ConnectError && error.code === Code.Internal) {
      throw new ConnectError(error.rawMessage, Code.InvalidArgument);
    }
    throw error;
  }
}

/** Parses a request body; undecodable protobuf is InvalidArgument. */
export function parse(serialization: Serialization, binary: boolean, bytes: Uint8Array) {
  try {
    return serialization.getI(binary).parse(bytes);
  } catch (error) {
    // connect-es calls undecodable protobuf Internal; it is the client's mistake (connect-go agrees).
    if (binary && error instanceof ConnectError && error.code === Code.Internal) {
      throw new ConnectError(error.rawMessage, Code.InvalidArgument);
    }
    throw error;
  }
}
