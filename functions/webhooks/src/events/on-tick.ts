/**
 * The PingSource tick (and webhooks' own timer): due deliveries are sent (retries, redeliveries, and
 * anything a process left behind when it stopped).
 */
import type { App } from "@shop/runtime";
import type { WebhooksDeps } from "../setup.ts";

/** Wakes the sender and waits for its rounds. */
export async function onTick(deps: WebhooksDeps, _app: App): Promise<void> {
  await deps.sender.wake();
}
