/**
 * The audit function: the append-only log of admin actions (who, what, when, before and after), from
 * the AdminActionRecorded events every admin verb emits in its own transaction. Its one composition root.
 */

import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";

/** audit's definition: no config or deps of its own. */
export const auditFunction = defineFunction({
  name: "audit",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  subscriptions,
  routes,
  policy,
});
