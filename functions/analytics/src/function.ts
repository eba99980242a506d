/**
 * The analytics function: sales figures from the event stream. It reads shop.events the way an
 * external consumer does — a KafkaSource with its own consumer group delivering every record to its
 * `/` — keeps one row of facts per order, and serves the figures derived from them (admin only); a
 * replay rebuilds them from the topic's start. Its one composition root.
 */
import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readAnalyticsConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/** analytics' definition. */
export const analyticsFunction = defineFunction({
  name: "analytics",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readAnalyticsConfig,
  setup,
  subscriptions,
  routes,
  policy,
});
