/**
 * StockRejected (inventory): some line cannot be held; the order is cancelled.
 */
import type { EventContext } from "@shop/runtime";
import type { StockRejected } from "@shop/schemas/inventory/v1/events";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import { cancelOrder } from "../orders/cancel-order.ts";
import { settle } from "./settle.ts";

/** Cancels the order with inventory's reason (cause OUT_OF_STOCK). */
export async function onStockRejected(message: StockRejected, context: EventContext): Promise<void> {
  const outcome = await cancelOrder(context, message.orderId, CancellationCause.OUT_OF_STOCK, message.reason);
  settle(context, message.orderId, outcome);
}
