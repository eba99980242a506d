/**
 * Page tokens of ListProducts: opaque to clients, they hold the (name, id) of the last product of a
 * page, so the next page starts right after it even when products were added in between.
 */
import { invalidPageToken } from "./errors.ts";

/** Where a page ends in the (name, id) order. */
export interface PagePosition {
  name: string;
  id: string;
}

/** The token of a position. */
export function encodePageToken(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.name, position.id])).toString("base64url");
}

/** The position of a token; `invalidPageToken` for anything this code did not make. */
export function decodePageToken(token: string): PagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2) {
      const [name, id] = value as unknown[];
      if (typeof name === "string" && typeof id === "string") return { name, id };
    }
  } catch {
    // falls through to the same answer as a well-formed but wrong token
  }
  throw invalidPageToken();
}
