/**
 * StockReserved: inventory holds every line; the order waits for payment.
 */
import type { Tx } from "@shop/runtime";
import type { ConsumedOrderEvent } from "./record-order-event.ts";
import { advance, type SagaOutcome, totalUnlessPriced } from "./transition.ts";

/** Stock held for an order: the order, and the total inventory passes on to payments. */
export interface MarkReservedInput {
  orderId: string;
  totalMinor: bigint;
  /** The event that asks for it, recorded in the order's history by the same UPDATE (updateOrder). */
  consumed?: ConsumedOrderEvent;
}

/** Moves the order to RESERVED; `totalMinor` is the total inventory passed on to payments. */
export async function markReserved(
  tx: Tx,
  { orderId, totalMinor, consumed }: MarkReservedInput,
): Promise<SagaOutcome> {
  return advance(tx.db, orderId, "RESERVED", totalUnlessPriced(totalMinor), consumed);
}
