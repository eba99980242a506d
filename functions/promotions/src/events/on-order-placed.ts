/**
 * OrderPlaced (orders): price the order with its coupon and the automatic promotions.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { EventContext } from "@shop/runtime";
import type { OrderPlaced } from "@shop/schemas/orders/v1/events";
import { priceOrder } from "../promotions/price-order.ts";

/**
 * Handles OrderPlaced: priceOrder redeems and emits OrderPriced or OrderPricingRejected. Promotions
 * are judged at the time the order was placed (`placedAt`), so the outcome does not depend on how
 * late the event is delivered. A redelivery changes nothing and is answered "duplicate" (false).
 */
export async function onOrderPlaced(message: OrderPlaced, context: EventContext): Promise<boolean> {
  const { outcome } = await priceOrder(context, {
    orderId: message.orderId,
    customerId: message.customerId,
    cart: {
      currency: message.subtotal?.currency ?? message.lines[0]?.lineTotal?.currency ?? "",
      subtotal: message.subtotal?.amountMinor ?? 0n,
      // The option's price before promotions; an order placed without an address ships nothing.
      shipping: message.shipping ? (message.shipping.price?.amountMinor ?? 0n) : undefined,
      lines: message.lines.map((line) => ({
        productId: line.productId,
        category: line.category,
        quantity: line.quantity,
        unitPrice: line.unitPrice?.amountMinor ?? 0n,
        lineTotal: line.lineTotal?.amountMinor ?? 0n,
      })),
    },
    couponCode: message.couponCode,
    now: message.placedAt ? timestampDate(message.placedAt) : new Date(),
    lines: message.lines,
    sealedPaymentToken: message.sealedPaymentToken,
    // Deprecated field: accepted from orders placed before tokens were sealed (README).
    paymentToken: message.paymentToken,
    delivery: context.event,
  });
  return outcome !== "duplicate";
}
