/**
 * What catalog's tests share: a started catalog, clients of it as a given caller through the
 * function's own interceptors, products stored as an administrator would, and events as inventory
 * sends them. Only tests import this file.
 */
import { create } from "@bufbuild/protobuf";
import { type Code, ConnectError } from "@connectrpc/connect";
import { type Principal, type RunningFunction, type StartOptions, toCloudEvent } from "@shop/runtime";
import { startForTest, testClient } from "@shop/runtime/testing";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { StockChangedSchema } from "@shop/schemas/inventory/v1/events";
import { expect } from "vitest";
import type { CatalogConfig } from "./config.ts";
import { catalogFunction } from "./function.ts";
import type { CatalogDeps } from "./setup.ts";

/** A started catalog. */
export type Catalog = RunningFunction<CatalogConfig, CatalogDeps>;

/** An administrator, who may change products. */
export const admin: Principal = { userId: "admin-1", role: "admin" };
/** A customer, who may only browse. */
export const customer: Principal = { userId: "customer-1", role: "customer" };

/**
 * Starts catalog on PGlite with an in-memory log (a few seconds, more on a busy machine), unless
 * `options` say otherwise.
 */
export function startCatalog(options: StartOptions<CatalogConfig, CatalogDeps> = {}): Promise<Catalog> {
  return startForTest(catalogFunction, options);
}

/** A CatalogService client of `fn` calling as `principal` (anonymous without one). */
export function catalogClient(fn: Catalog, principal?: Principal) {
  return testClient(fn, CatalogService, principal ? { principal } : {});
}

/** What a test says about a product; the rest defaults to an active "misc" product at 10.00 EUR. */
export interface ProductInit {
  id?: string;
  name: string;
  description?: string;
  price?: { amountMinor: bigint; currency: string } | undefined;
  category?: string;
  imageUrl?: string;
  active?: boolean;
}

/** UpsertProduct as an administrator. */
export async function upsert(fn: Catalog, product: ProductInit) {
  const catalog = await catalogClient(fn, admin);
  return catalog.upsertProduct({
    product: {
      category: "misc",
      description: "",
      price: { amountMinor: 1000n, currency: "EUR" },
      active: true,
      ...product,
    },
  });
}

/** The Connect code `promise` is refused with (failing the test if it is not refused). */
export async function codeOf(promise: Promise<unknown>): Promise<Code> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return (error as ConnectError).code;
}

/** StockChanged as inventory publishes it: `productId` has `available` units at stock `version`. */
export function stockChanged(productId: string, available: number, version: bigint) {
  return toCloudEvent(StockChangedSchema, create(StockChangedSchema, { productId, available, version }), {
    source: "/functions/inventory",
    key: productId,
  });
}
