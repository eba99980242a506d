/**
 * The catalog function: the products for sale, searchable and cacheable. Its one composition root.
 */

import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readCatalogConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { imagesRoute } from "./http/images-route.ts";
import { setup } from "./setup.ts";

/** catalog's definition. */
export const catalogFunction = defineFunction({
  name: "catalog",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readCatalogConfig,
  setup,
  subscriptions,
  routes,
  policy,
  // Uploaded product images, with immutable cache headers.
  getRoutes: (_deps, app) => [imagesRoute(app)],
  // An image of 2 MiB is about 2.7 MiB in Connect's JSON (base64), plus the rest of the request.
  readMaxBytes: 3 * 1024 * 1024,
});
