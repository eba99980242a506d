/**
 * CatalogService over Connect: each method converts its request, calls a verb and converts the result.
 * The reads are public and the same for every caller, so they are cacheable (also as Connect GETs),
 * and the function keeps each finished answer, with its ETag, for a moment (see read-cache.ts).
 */

import { createHash } from "node:crypto";
import { create, type DescMessage, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type App, caller, principalKey, reusableResponse } from "@shop/runtime";
import {
  type CatalogService,
  GetProductResponseSchema,
  ListProductsResponseSchema,
  type Product as ProductMessage,
  ProductSchema,
} from "@shop/schemas/catalog/v1/catalog";
import {
  getProduct,
  inactiveForAdminsOnly,
  listProducts,
  type Product,
  uploadProductImage,
  upsertProduct,
} from "../catalog/index.ts";
import type { CatalogDeps } from "../setup.ts";

/** How long a browser or CDN may reuse a catalog read without asking again. */
export const CACHE_CONTROL = "public, max-age=30";

/** Builds the CatalogService implementation over `app`'s database and the read cache of `deps`. */
export function catalogService(deps: CatalogDeps, app: App): ServiceImpl<typeof CatalogService> {
  const cache = deps.readCache;
  return {
    async listProducts(req, context) {
      if (req.includeInactive) {
        // An administrator's view: not shared, not cached.
        if (context.values.get(principalKey)?.role !== "admin") throw inactiveForAdminsOnly();
        const page = await listProducts(app.db, req);
        context.responseHeader.set("cache-control", "private, no-store");
        return create(ListProductsResponseSchema, {
          products: page.products.map(toProductMessage),
          nextPageToken: page.nextPageToken,
        });
      }
      const key = `list\0${req.category}\0${req.query}\0${req.pageSize}\0${req.pageToken}`;
      const answer = await cache.get(key, async () => {
        const page = await listProducts(app.db, req);
        const response = create(ListProductsResponseSchema, {
          products: page.products.map(toProductMessage),
          nextPageToken: page.nextPageToken,
        });
        return cacheable(ListProductsResponseSchema, response);
      });
      return reply(answer, context);
    },
    async getProduct(req, context) {
      const id = req.id.trim();
      const answer = await cache.get(`get\0${id}`, async () => {
        const product = await getProduct(app.db, id);
        const response = create(GetProductResponseSchema, { product: toProductMessage(product) });
        return cacheable(GetProductResponseSchema, response);
      });
      return reply(answer, context);
    },
    async upsertProduct(req, context) {
      const input = req.product && { ...req.product, price: req.product.price };
      const actor = caller(context);
      const product = await app.transaction((tx) => upsertProduct(tx, input, actor, new Date()));
      cache.clear();
      return { product: toProductMessage(product) };
    },
    async uploadProductImage(req, context) {
      const actor = caller(context);
      const product = await app.transaction((tx) => uploadProductImage(tx, req, actor, new Date()));
      cache.clear();
      return { product: toProductMessage(product) };
    },
  };
}

/** A read's response and its ETag: a hash of the exact response, so it changes exactly when what a client sees changes. */
interface Cacheable<T> {
  response: T;
  etag: string;
}

function cacheable<Desc extends DescMessage>(
  schema: Desc,
  response: MessageShape<Desc>,
): Cacheable<MessageShape<Desc>> {
  const hash = createHash("sha256")
    .update(schema.typeName)
    .update(toBinary(schema, response))
    .digest("base64url")
    .slice(0, 27);
  // Kept and handed to many callers unchanged: the server may encode it once.
  return { response: reusableResponse(response), etag: `"${hash}"` };
}

function reply<T>({ response, etag }: Cacheable<T>, context: HandlerContext): T {
  context.responseHeader.set("cache-control", CACHE_CONTROL);
  context.responseHeader.set("etag", etag);
  return response;
}

function toProductMessage(product: Product): ProductMessage {
  return create(ProductSchema, {
    id: product.id,
    name: product.name,
    description: product.description,
    price: product.price,
    category: product.category,
    imageUrl: product.imageUrl,
    available: product.available,
    updatedAt: timestampFromDate(product.updatedAt),
    active: product.active,
  });
}
