/**
 * Any shop event, as the KafkaSource on shop.events delivers it: one delivery per enabled endpoint
 * that asked for its type, sent after commit.
 */
import type { EventContext } from "@shop/runtime";
import type { WebhooksDeps } from "../setup.ts";
import { enqueueDeliveries } from "../webhooks/index.ts";

/** Adds the event's deliveries in the handler's transaction and wakes the sender once they commit. */
export async function onShopEvent(context: EventContext<WebhooksDeps>): Promise<void> {
  const { event, deps } = context;
  if (!event.type || !event.id || !event.source) return;
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.toJSON() as Record<string, unknown>)) {
    if (name === "data" || name === "data_base64" || value === undefined || value === null) continue;
    // The broker's and the source's own extensions are not the event's: a partner gets it as published.
    if (name.startsWith("knative") || name.startsWith("kafkaheader")) continue;
    attributes[name] = String(value);
  }
  const data = event.data ?? new Uint8Array();
  const added = await enqueueDeliveries(
    context,
    { event: { source: event.source, id: event.id, type: event.type, attributes, data }, now: deps.now() },
    deps.schedule,
  );
  if (added > 0) context.afterCommit(() => void deps.sender.wake());
}
