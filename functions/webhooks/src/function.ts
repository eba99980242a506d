/**
 * The webhooks function: shop events to third parties. Admins register HTTPS endpoints for event
 * types; every matching event from shop.events (a KafkaSource with its own consumer group) is
 * delivered as a binary-mode CloudEvent over HTTP, signed per Standard Webhooks, retried with backoff
 * for a day, after which the endpoint is disabled and WebhookEndpointDisabled tells an admin. Its one
 * composition root.
 */
import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readWebhooksConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { onTick } from "./events/on-tick.ts";
import { otherEvents, subscriptions, wantsOtherEvent } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/** webhooks' definition. */
export const webhooksFunction = defineFunction({
  name: "webhooks",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readWebhooksConfig,
  setup,
  subscriptions,
  otherEvents,
  wantsOtherEvent,
  routes,
  policy,
  onStart: async (deps, app) => deps.sender.start(deps, app),
  onTick,
  onStop: (deps) => deps.sender.stop(),
});
