/**
 * StockReserved: inventory holds every line; the order waits for payment.
 */
import type { Tx } from "@shop/runtime";
import { advance, type SagaOutcome, totalUnlessPriced } from "./transition.ts";

/** Moves the order to RESERVED; `totalMinor` is the total inventory passed on to payments. */
export async function markReserved(tx: Tx, orderId: string, totalMinor: bigint): Promise<SagaOutcome> {
  return advance(tx.db, orderId, "RESERVED", totalUnlessPriced(totalMinor));
}
