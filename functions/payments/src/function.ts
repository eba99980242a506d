/**
 * The payments function: the one composition root. It serves no RPC: it only reacts to events.
 */
import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { PROVIDER_SECRET_PATH, readPaymentsConfig } from "./config.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { onTick } from "./events/on-tick.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/**
 * Payments: charges reserved orders through the configured provider, refunds cancelled ones, and
 * reconciles charges whose outcome is unknown on every tick.
 */
export const paymentsFunction = defineFunction({
  name: "payments",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readPaymentsConfig,
  // The test provider needs no key; a local run still reads one, as a real adapter would.
  devSecrets: { [PROVIDER_SECRET_PATH]: { apiKey: "test_key_dev" } },
  setup,
  subscriptions,
  onTick,
});
