/**
 * The promotions function: the one composition root. It prices orders with coupons and automatic
 * promotions in the purchase saga, and serves PromotionService.
 */
import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readPromotionsConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";

/** The definition of promotions. It has no settings or dependencies of its own yet. */
export const promotionsFunction = defineFunction({
  name: "promotions",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readPromotionsConfig,
  subscriptions,
  routes,
  policy,
});
