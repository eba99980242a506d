/**
 * The cart function: the one composition root. It keeps guests' and customers' carts on the server,
 * priced and marked from its projections of ProductChanged and StockChanged, and empties a cart when
 * an order placed from it is announced.
 */
import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readCartConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/** The definition of cart. */
export const cartFunction = defineFunction({
  name: "cart",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readCartConfig,
  setup,
  subscriptions,
  routes,
  policy,
});
