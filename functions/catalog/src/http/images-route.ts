/**
 * GET /images/<sha256>: an uploaded product image. The URL names the content, so the answer never
 * changes: cached for a year by browsers and CDNs (`immutable`), with the hash as its ETag.
 */
import type { App, GetAnswer, GetRoute } from "@shop/runtime";
import { getImage, IMAGES_PREFIX } from "../catalog/index.ts";

/** How long anyone may keep an image: it never changes under its URL. */
export const IMAGE_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The images route of catalog over `app`'s database. */
export function imagesRoute(app: App): GetRoute {
  return {
    prefix: IMAGES_PREFIX,
    async handle({ rest, headers }): Promise<GetAnswer> {
      const image = await getImage(app.db, rest);
      if (!image) {
        return {
          status: 404,
          headers: { "content-type": "text/plain; charset=utf-8" },
          body: "no such image",
        };
      }
      const etag = `"${image.sha256}"`;
      const common = {
        "cache-control": IMAGE_CACHE_CONTROL,
        etag,
        // A browser must not guess another type from the bytes (and run them as a document).
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
      };
      if (matchesEtag(headers["if-none-match"], etag)) return { status: 304, headers: common };
      return { status: 200, headers: { ...common, "content-type": image.contentType }, body: image.content };
    },
  };
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === "*" || header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
