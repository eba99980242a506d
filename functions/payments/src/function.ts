/**
 * The payments function: its definition, and a server when run directly (`pnpm start`).
 */

import { fileURLToPath } from "node:url";
import { defineFunction, type FunctionDefinition, runFunction } from "@shop/runtime";
import { readPaymentsConfig } from "./config.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { createProvider, type PaymentProvider, useProvider } from "./payments/index.ts";

/**
 * Builds the payments function. It serves no RPC: it only reacts to events. `provider` replaces
 * the configured one (tests use it to watch the charges).
 */
export function createPaymentsFunction(options: { provider?: PaymentProvider } = {}): FunctionDefinition {
  return defineFunction({
    name: "payments",
    migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
    outbox,
    processedEvents,
    subscriptions,
    async onStart(app) {
      useProvider(app, options.provider ?? (await createProvider(readPaymentsConfig(), app)));
    },
  });
}

/** Payments: charges reserved orders through the configured provider, refunds cancelled ones. */
export const paymentsFunction = createPaymentsFunction();

