/**
 * The orders function: its tables, routes, authorisation and subscriptions on the shared runtime.
 * Run directly (`pnpm start`), it serves until SIGTERM.
 */

import { fileURLToPath } from "node:url";
import { defineFunction, runFunction } from "@shop/runtime";
import routes, { accessPolicy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";

/** The definition of orders. */
export const ordersFunction = defineFunction({
  name: "orders",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  subscriptions,
  routes,
  accessPolicy,
});

