/**
 * Stored orders as the protobuf messages customers and other functions see.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { money } from "@shop/runtime";
import {
  type CancellationCause,
  type OrderCancelled,
  OrderCancelledSchema,
  type OrderConfirmed,
  OrderConfirmedSchema,
  type OrderPlaced,
  OrderPlacedSchema,
} from "@shop/schemas/orders/v1/events";
import {
  type Order,
  type OrderLine,
  OrderLineSchema,
  type OrderRefund,
  OrderRefundSchema,
  OrderSchema,
} from "@shop/schemas/orders/v1/orders";
import type { OrderRow, StoredLine, StoredRefund } from "../db/schema.ts";
import { toOrderCancellation, toOrderShipment, toOrderShipping } from "./order-parts.ts";
import { toOrderStatus } from "./status.ts";

/** The stored lines of an order as OrderLine messages. */
export function toOrderLines(lines: StoredLine[], currency: string): OrderLine[] {
  return lines.map((line) =>
    create(OrderLineSchema, {
      productId: line.productId,
      productName: line.productName,
      category: line.category,
      quantity: line.quantity,
      unitPrice: money(BigInt(line.unitPriceMinor), currency),
      lineTotal: money(BigInt(line.lineTotalMinor), currency),
    }),
  );
}

/** A stored order as its customer sees it. */
export function toOrderMessage(row: OrderRow): Order {
  return create(OrderSchema, {
    id: row.id,
    customerId: row.customerId,
    status: toOrderStatus(row.status),
    lines: toOrderLines(row.lines, row.currency),
    subtotal: money(row.subtotalMinor, row.currency),
    discount: money(row.discountMinor, row.currency),
    total: money(row.totalMinor, row.currency),
    couponCode: row.couponCode,
    cancelReason: row.cancelReason,
    promotions: row.promotions,
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
    ...(row.refund ? { refund: toOrderRefund(row.refund) } : {}),
    cartId: row.cartId,
    shipping: toOrderShipping(row),
    cancellation: toOrderCancellation(row),
    shipment: toOrderShipment(row),
  });
}

function toOrderRefund(refund: StoredRefund): OrderRefund {
  return create(OrderRefundSchema, {
    amount: money(BigInt(refund.amountMinor), refund.currency),
    reason: refund.reason,
    refundedAt: timestampFromDate(new Date(refund.refundedAt)),
  });
}

/**
 * The OrderPlaced of a stored order: what PlaceOrder emits, and what the reconciler emits again,
 * so that a re-ask carries exactly the content of the first question.
 */
export function toOrderPlaced(row: OrderRow): OrderPlaced {
  return create(OrderPlacedSchema, {
    orderId: row.id,
    customerId: row.customerId,
    lines: toOrderLines(row.lines, row.currency),
    subtotal: money(row.subtotalMinor, row.currency),
    couponCode: row.couponCode,
    sealedPaymentToken: row.sealedPaymentToken ?? "",
    // Only an order placed before tokens were sealed has one in clear; its re-ask carries it as before.
    ...(row.paymentToken ? { paymentToken: row.paymentToken } : {}),
    placedAt: timestampFromDate(row.createdAt),
    cartId: row.cartId,
    // The option's price before promotions: promotions decides what is charged (OrderPriced).
    shipping: toOrderShipping(row, "never"),
  });
}

/** The OrderConfirmed of a just confirmed order: the receipt (its amounts, delivery and promotions). */
export function toOrderConfirmed(row: OrderRow): OrderConfirmed {
  return create(OrderConfirmedSchema, {
    orderId: row.id,
    customerId: row.customerId,
    total: money(row.totalMinor, row.currency),
    lines: toOrderLines(row.lines, row.currency),
    subtotal: money(row.subtotalMinor, row.currency),
    discount: money(row.discountMinor, row.currency),
    shipping: toOrderShipping(row, "always"),
    couponCode: row.couponCode,
    promotions: row.promotions,
    confirmedAt: timestampFromDate(row.updatedAt),
  });
}

/**
 * The OrderCancelled of a just cancelled order. `wasConfirmed`: it had been paid and its stock sold,
 * so the total it was charged goes with it.
 */
export function toOrderCancelled(
  row: OrderRow,
  cause: CancellationCause,
  wasConfirmed: boolean,
): OrderCancelled {
  return create(OrderCancelledSchema, {
    orderId: row.id,
    customerId: row.customerId,
    cause,
    reason: row.cancelReason,
    cancellation: toOrderCancellation(row),
    wasConfirmed,
    ...(wasConfirmed ? { total: money(row.totalMinor, row.currency) } : {}),
  });
}
