/**
 * StockRejected (inventory): some line cannot be held; the order is cancelled.
 */
import type { EventContext } from "@shop/runtime";
import type { StockRejected } from "@shop/schemas/inventory/v1/events";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import { cancelOrder } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settle } from "./settle.ts";

/** Cancels the order with inventory's reason (cause OUT_OF_STOCK). */
export async function onStockRejected(
  message: StockRejected,
  context: EventContext<OrdersDeps>,
): Promise<void> {
  const outcome = await cancelOrder(context, {
    orderId: message.orderId,
    cause: CancellationCause.OUT_OF_STOCK,
    reason: message.reason,
  });
  settle(context, message.orderId, outcome);
}
