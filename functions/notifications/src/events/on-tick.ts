/**
 * The PingSource tick (and the runtime's timer): the sweeper of emails left pending, and retention.
 */
import type { App } from "@shop/runtime";
import { pruneEmails } from "../notifications/index.ts";
import type { NotificationsDeps } from "../setup.ts";

/**
 * Sends every pending email that is due (retries, and what a crash or an outage left behind), then
 * deletes the emails done with that are past their retention.
 */
export async function onTick(deps: NotificationsDeps, app: App): Promise<void> {
  await deps.mailer.drain();
  const before = new Date(Date.now() - deps.retentionMs);
  const pruned = await app.transaction((tx) => pruneEmails(tx, { before }));
  if (pruned > 0) app.logger.debug({ pruned }, "retention: deleted old emails");
}
