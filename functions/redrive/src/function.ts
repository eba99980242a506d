/**
 * The redrive function: dead letters that heal. Every dead letter of the Broker reaches it through a
 * KafkaSource on `shop.events.dlq`; a transient one is redriven to the subscriber that failed, with
 * growing delays for hours, a malformed one stays dead and is reported; admins list, read and
 * redrive the letters through DeadLetterService. Its one composition root.
 */

import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readRedriveConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { onTick } from "./events/on-tick.ts";
import { otherEvents, subscriptions } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/** How `shop dlq list` tells the kinds apart: the same classification redrive stores. */
export { type Classifiable, type Classification, classify, KAFKA_EVENT_TYPE } from "./redrive/index.ts";

/** redrive's definition. */
export const redriveFunction = defineFunction({
  name: "redrive",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readRedriveConfig,
  setup,
  routes,
  policy,
  subscriptions,
  otherEvents,
  onTick,
});
