/**
 * OrderPriced (from promotions): the order has its final prices and can be reserved.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderPriced } from "@shop/schemas/promotions/v1/events";
import { reserveStock } from "../inventory/index.ts";

/**
 * Holds the order's units, or rejects it (a business outcome, emitted, never thrown); an order already
 * answered gets the same answer again.
 */
export async function onOrderPriced(message: OrderPriced, context: EventContext): Promise<void> {
  await reserveStock(context, {
    orderId: message.orderId,
    customerId: message.customerId,
    lines: message.lines.map((line) => ({
      productId: line.productId,
      productName: line.productName,
      quantity: line.quantity,
    })),
    total: { amountMinor: message.total?.amountMinor ?? 0n, currency: message.total?.currency ?? "" },
    sealedPaymentToken: message.sealedPaymentToken,
    // Deprecated field: accepted from orders placed before tokens were sealed (README).
    paymentToken: message.paymentToken,
  });
}
