/**
 * UploadProductImage: stores an image in catalog, by the hash of its bytes, and points the product's
 * image_url at it (`/images/<sha256>`, served by the images route with immutable cache headers).
 */
import { createHash } from "node:crypto";
import { recordAdminAction, type Tx } from "@shop/runtime";
import { eq, sql } from "drizzle-orm";
import { productImages, products } from "../db/schema.ts";
import { invalidImage, productNotFound } from "./errors.ts";
import { type Product, productColumns, toProduct } from "./products.ts";
import { type Actor, auditedProduct, emitProductChanged } from "./upsert-product.ts";

/** Largest image accepted: 2 MiB. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** The path an image is served at, under the function's images route. */
export const IMAGES_PREFIX = "/images/";

/** What an administrator uploads. */
export interface ImageInput {
  productId: string;
  contentType: string;
  content: Uint8Array;
}

/** The image types accepted, each recognised by the first bytes of its content. */
const SIGNATURES: Record<string, (bytes: Uint8Array) => boolean> = {
  "image/png": (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  "image/jpeg": (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  "image/webp": (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && ascii(b, 8, 12) === "WEBP",
};

/**
 * Checks an image: a PNG, JPEG or WebP of at most MAX_IMAGE_BYTES whose bytes are what its type says.
 * SVG is refused: it is a document that can carry scripts, served from the shop's own origin.
 */
export function validateImage(input: ImageInput): { contentType: string; content: Uint8Array } {
  const contentType = input.contentType.trim().toLowerCase();
  if (contentType === "image/svg+xml") {
    throw invalidImage(
      "SVG images are not accepted, as they can carry scripts. Please upload a PNG, JPEG or WebP.",
    );
  }
  const matches = SIGNATURES[contentType];
  if (!matches)
    throw invalidImage("Please upload a PNG, JPEG or WebP image (image/png, image/jpeg, image/webp).");
  if (input.content.length === 0) throw invalidImage("The image is empty.");
  if (input.content.length > MAX_IMAGE_BYTES) {
    throw invalidImage(
      `The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MiB. Please upload a smaller one.`,
    );
  }
  if (!matches(input.content))
    throw invalidImage(`The file is not a ${contentType.slice("image/".length).toUpperCase()} image.`);
  return { contentType, content: input.content };
}

/**
 * Stores the image (once per content), sets it as the product's image (version +1, ProductChanged)
 * and records the action for the audit log.
 */
export async function uploadProductImage(
  tx: Tx,
  input: ImageInput,
  actor: Actor,
  now: Date,
): Promise<Product> {
  const image = validateImage(input);
  const productId = input.productId.trim();
  const [before] = await tx.db
    .select(productColumns)
    .from(products)
    .where(eq(products.id, productId))
    .for("update");
  if (!before) throw productNotFound(productId);
  const sha256 = createHash("sha256").update(image.content).digest("hex");
  await tx.db
    .insert(productImages)
    .values({ sha256, contentType: image.contentType, content: image.content, createdAt: now })
    .onConflictDoNothing();
  const [row] = await tx.db
    .update(products)
    .set({ imageUrl: `${IMAGES_PREFIX}${sha256}`, updatedAt: now, version: sql`${products.version} + 1` })
    .where(eq(products.id, productId))
    .returning(productColumns);
  if (!row) throw new Error(`update of product ${productId} returned nothing`);
  const saved = toProduct(row);
  await emitProductChanged(tx, saved, now);
  await recordAdminAction(tx, {
    actor,
    action: "catalog.UploadProductImage",
    target: productId,
    before: auditedProduct(toProduct(before)),
    after: {
      ...auditedProduct(saved),
      image: { contentType: image.contentType, bytes: image.content.length },
    },
    at: now,
  });
  return saved;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}
