/**
 * The promotions function: prices orders with coupons and automatic promotions in the purchase saga,
 * and serves PromotionService.
 */

import { fileURLToPath } from "node:url";
import { defineFunction, runFunction } from "@shop/runtime";
import routes, { accessPolicy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";

/** The definition of promotions. */
export const promotionsFunction = defineFunction({
  name: "promotions",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  subscriptions,
  routes,
  accessPolicy,
});

