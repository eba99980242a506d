/**
 * OrderPlaced: price the order with its coupon and the automatic promotions, redeem them, and say
 * how it went (OrderPriced or OrderPricingRejected).
 */
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { EventContext } from "@shop/runtime";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import type { OrderPlaced } from "@shop/schemas/orders/v1/events";
import { OrderPricedSchema, OrderPricingRejectedSchema } from "@shop/schemas/promotions/v1/events";
import { priceOrder } from "../promotions/price-order.ts";
import type { Cart } from "../promotions/pricing.ts";

/**
 * Handles OrderPlaced. Promotions are judged at the time the order was placed (`placedAt`), so the
 * outcome does not depend on how late the event is delivered.
 */
export async function onOrderPlaced(message: OrderPlaced, { db, emit }: EventContext): Promise<void> {
  const currency = message.subtotal?.currency ?? message.lines[0]?.lineTotal?.currency ?? "";
  const cart: Cart = {
    currency,
    subtotal: message.subtotal?.amountMinor ?? 0n,
    lines: message.lines.map((line) => ({
      productId: line.productId,
      category: line.category,
      quantity: line.quantity,
      unitPrice: line.unitPrice?.amountMinor ?? 0n,
      lineTotal: line.lineTotal?.amountMinor ?? 0n,
    })),
  };
  const result = await priceOrder(db, {
    orderId: message.orderId,
    customerId: message.customerId,
    cart,
    couponCode: message.couponCode,
    now: message.placedAt ? timestampDate(message.placedAt) : new Date(),
  });
  const key = message.orderId;
  const money = (amountMinor: bigint) => create(MoneySchema, { amountMinor, currency });
  switch (result.outcome) {
    case "already-handled":
      return;
    case "rejected":
      await emit(
        OrderPricingRejectedSchema,
        create(OrderPricingRejectedSchema, {
          orderId: message.orderId,
          customerId: message.customerId,
          reason: result.reason,
        }),
        { key },
      );
      return;
    case "priced":
      await emit(
        OrderPricedSchema,
        create(OrderPricedSchema, {
          orderId: message.orderId,
          customerId: message.customerId,
          lines: message.lines,
          subtotal: money(cart.subtotal),
          discount: money(result.discount),
          total: money(result.total),
          promotions: result.applied.map(({ promotion }) => promotion.name),
          paymentToken: message.paymentToken,
        }),
        { key },
      );
      return;
  }
}
