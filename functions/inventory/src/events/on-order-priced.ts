import type { EventContext } from "@shop/runtime";
import type { OrderPriced } from "@shop/schemas/promotions/v1/events";
import { reserveStock } from "../inventory/index.ts";

/** OrderPriced: hold the order's units, or reject it (a business outcome, emitted, never thrown). */
export async function onOrderPriced(message: OrderPriced, tx: EventContext): Promise<void> {
  await reserveStock(
    {
      orderId: message.orderId,
      customerId: message.customerId,
      lines: message.lines.map((line) => ({
        productId: line.productId,
        productName: line.productName,
        quantity: line.quantity,
      })),
      total: { amountMinor: message.total?.amountMinor ?? 0n, currency: message.total?.currency ?? "" },
      paymentToken: message.paymentToken,
    },
    tx,
  );
}
