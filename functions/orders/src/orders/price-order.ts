/**
 * OrderPriced: promotions priced the order; store its discount, total, promotions and shipping charge.
 */
import type { Tx } from "@shop/runtime";
import { and, eq, isNull, notInArray, sql } from "drizzle-orm";
import { type OrderStatusName, orders } from "../db/schema.ts";
import type { ConsumedOrderEvent } from "./record-order-event.ts";
import { FINAL_STATUSES } from "./status.ts";
import { type SagaOutcome, updateOrder } from "./transition.ts";

/** The pricing promotions decided. */
export interface Pricing {
  orderId: string;
  /** The event that asks for it, recorded in the order's history by the same UPDATE (updateOrder). */
  consumed?: ConsumedOrderEvent;
  discountMinor: bigint;
  totalMinor: bigint;
  promotions: string[];
  /**
   * What the customer pays for shipping after promotions (OrderPriced.shipping). Undefined for a
   * promotions that did not say: an order that ships is then charged the option's price.
   */
  shippingChargedMinor?: bigint | undefined;
}

/**
 * Records the pricing of a non-final order once, and moves a PENDING order to PRICED. An order that
 * a later step already moved on (StockReserved came first) keeps its status and gets its pricing.
 */
export async function priceOrder(tx: Tx, pricing: Pricing): Promise<SagaOutcome> {
  return updateOrder(
    tx.db,
    pricing.orderId,
    {
      discountMinor: pricing.discountMinor,
      totalMinor: pricing.totalMinor,
      promotions: pricing.promotions,
      // Only an order that ships has a shipping charge, whatever the event says.
      shippingChargedMinor:
        pricing.shippingChargedMinor === undefined
          ? sql`${orders.shippingPriceMinor}`
          : sql`case when ${orders.shippingPriceMinor} is null then null else ${pricing.shippingChargedMinor.toString()}::bigint end`,
      pricedAt: sql`now()`,
      status: sql<OrderStatusName>`case when ${orders.status} = 'PENDING' then 'PRICED' else ${orders.status} end`,
    },
    and(
      eq(orders.id, pricing.orderId),
      isNull(orders.pricedAt),
      notInArray(orders.status, [...FINAL_STATUSES]),
    ),
    pricing.consumed,
  );
}
