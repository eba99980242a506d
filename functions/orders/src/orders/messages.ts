/**
 * Stored orders as the protobuf messages customers and other functions see.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { money } from "@shop/runtime";
import { type Order, type OrderLine, OrderLineSchema, OrderSchema } from "@shop/schemas/orders/v1/orders";
import type { OrderRow, StoredLine } from "../db/schema.ts";
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
  });
}
