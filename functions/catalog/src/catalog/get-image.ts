/**
 * The images route's read: an uploaded image by the SHA-256 of its content.
 */
import type { Db } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { productImages } from "../db/schema.ts";

/** An image as stored. */
export interface StoredImage {
  sha256: string;
  contentType: string;
  content: Uint8Array;
}

/** The image whose content hashes to `sha256` (lower-case hex), or undefined. */
export async function getImage(db: Db, sha256: string): Promise<StoredImage | undefined> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
  const [row] = await db
    .select({
      sha256: productImages.sha256,
      contentType: productImages.contentType,
      content: productImages.content,
    })
    .from(productImages)
    .where(eq(productImages.sha256, sha256));
  return row;
}
