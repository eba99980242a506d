/**
 * The PingSource tick (and webhooks' own timer): due deliveries are sent (retries, redeliveries, and
 * anything a process left behind when it stopped), then the delivery log is kept to its retention.
 */
import type { App } from "@shop/runtime";
import type { WebhooksDeps } from "../setup.ts";
import { pruneDeliveries } from "../webhooks/index.ts";

/** Wakes the sender and waits for its rounds; then deletes deliveries done with past their retention. */
export async function onTick(deps: WebhooksDeps, app: App): Promise<void> {
  await deps.sender.wake();
  const before = new Date(deps.now().getTime() - deps.retentionMs);
  const pruned = await app.transaction((tx) => pruneDeliveries(tx, { before }));
  if (pruned > 0) app.logger.debug({ pruned }, "retention: deleted old webhook deliveries");
}
