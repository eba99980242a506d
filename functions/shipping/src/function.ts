/**
 * The shipping function: the one composition root. It quotes shipping options and publishes them,
 * keeps one shipment per confirmed order that ships, and serves ShippingService.
 */
import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readShippingConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { onStart, onTick } from "./events/on-tick.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/** The definition of shipping. */
export const shippingFunction = defineFunction({
  name: "shipping",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readShippingConfig,
  setup,
  subscriptions,
  routes,
  policy,
  onStart,
  onTick,
});
