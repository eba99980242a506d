/**
 * The history hook: every event orders consumes about an order is recorded in the order's history
 * (`order_events`) in the handler's own transaction, so no handler has to do it. What orders emits is
 * recorded by the outbox trigger (migrations/0007).
 */
import type { EventSubscription } from "@shop/runtime";
import { recordOrderEvent } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";

/**
 * `subscription` with its events recorded in their order's history before its handler runs (so that
 * a handler that commits and asks for redelivery keeps the record too; the redelivery adds nothing).
 * Its messages carry the order's id as `orderId`.
 */
export function recorded(subscription: EventSubscription<OrdersDeps>): EventSubscription<OrdersDeps> {
  const { handler } = subscription;
  return {
    schema: subscription.schema,
    handler: async (message, context) => {
      const orderId = (message as { orderId?: unknown }).orderId;
      if (typeof orderId === "string" && orderId !== "") {
        const { event } = context;
        const time = event.time ? new Date(event.time) : new Date();
        await recordOrderEvent(context, {
          orderId,
          eventId: event.id,
          eventType: event.type,
          eventSource: event.source,
          eventTime: Number.isNaN(time.getTime()) ? new Date() : time,
        });
      }
      await handler(message, context);
    },
  };
}
