/**
 * StockReserved (inventory): every line is held; the order is RESERVED and waits for payment.
 */
import type { EventContext } from "@shop/runtime";
import type { StockReserved } from "@shop/schemas/inventory/v1/events";
import { consumedEvent, markReserved } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settleStep } from "./settle.ts";

/** Moves the order to RESERVED. */
export async function onStockReserved(
  message: StockReserved,
  context: EventContext<OrdersDeps>,
): Promise<boolean> {
  const outcome = await markReserved(context, {
    orderId: message.orderId,
    consumed: consumedEvent(context.event, message.orderId),
    totalMinor: message.total?.amountMinor ?? 0n,
  });
  return settleStep(context, message.orderId, outcome);
}
