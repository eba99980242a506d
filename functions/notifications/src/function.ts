/**
 * The notifications function: the emails a shop sends, once per event, over SMTP. Its one
 * composition root.
 */
import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { DEV_SMTP, readNotificationsConfig, SMTP_SECRET_PATH } from "./config.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { onTick } from "./events/on-tick.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/** Where a local run's mail goes unless told otherwise (the dev mail catcher's default address). */
export { DEV_SMTP, SMTP_SECRET_PATH };

/** notifications' definition. */
export const notificationsFunction = defineFunction({
  name: "notifications",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readNotificationsConfig,
  // Locally the dev mail catcher; outside development the secret is required.
  devSecrets: { [SMTP_SECRET_PATH]: DEV_SMTP },
  setup,
  subscriptions,
  onTick,
  onStop: (deps) => deps.mailer.close(),
});
