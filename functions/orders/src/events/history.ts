/**
 * The history hook: every event orders consumes about an order is recorded in the order's history
 * (`order_events`) in the handler's own transaction, so no handler has to do it. What orders emits is
 * recorded by the outbox trigger (migrations/0007).
 */
import { type EventSubscription, RedeliverAfterCommit, recordProcessed } from "@shop/runtime";
import { processedEvents } from "../db/schema.ts";
import { consumedEvent, recordOrderEvent } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";

/**
 * `subscription` with its events recorded in their order's history before its handler runs. The
 * history row is unique per event (source, id), so it is also the event's processed-event record: a
 * redelivery finds it, is answered "duplicate" and changes nothing, without a processed_events row
 * (one statement less per event). An event of an order orders does not have, or without an order id,
 * records a processed_events row instead, as any subscription does. Its messages carry the order's id
 * as `orderId`. Its handler must not ask for redelivery after commit (RedeliverAfterCommit): the
 * history row would answer that redelivery "duplicate"; none of orders' handlers does.
 */
export function recorded(subscription: EventSubscription<OrdersDeps>): EventSubscription<OrdersDeps> {
  const { handler } = subscription;
  return {
    schema: subscription.schema,
    idempotent: true,
    handler: async (message, context) => {
      const { event } = context;
      const orderId = (message as { orderId?: unknown }).orderId;
      const found =
        typeof orderId === "string" && orderId !== ""
          ? await recordOrderEvent(context, consumedEvent(event, orderId))
          : "unknown order";
      if (found === "duplicate") return false;
      if (found === "unknown order" && !(await recordProcessed(context, processedEvents, event)))
        return false;
      try {
        await handler(message, context);
      } catch (error) {
        // Rolled back whole instead: the history row must not outlive a delivery to be made again.
        if (error instanceof RedeliverAfterCommit) throw error.error;
        throw error;
      }
      return true;
    },
  };
}
