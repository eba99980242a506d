/**
 * PaymentSucceeded: the order is paid; it is CONFIRMED and OrderConfirmed tells the others.
 */
import type { Tx } from "@shop/runtime";
import { OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { toOrderConfirmed } from "./messages.ts";
import type { ConsumedOrderEvent } from "./record-order-event.ts";
import { advance, type SagaOutcome, totalUnlessPriced } from "./transition.ts";

/** A payment that went through: the order it paid, and what payments charged. */
export interface ConfirmOrderInput {
  orderId: string;
  amountMinor: bigint;
  /** The event that asks for it, recorded in the order's history by the same UPDATE (updateOrder). */
  consumed?: ConsumedOrderEvent;
}

/** Confirms a non-final order and emits OrderConfirmed (the receipt); `amountMinor` is what payments charged. */
export async function confirmOrder(
  tx: Tx,
  { orderId, amountMinor, consumed }: ConfirmOrderInput,
): Promise<SagaOutcome> {
  const outcome = await advance(
    tx.db,
    orderId,
    "CONFIRMED",
    {
      ...totalUnlessPriced(amountMinor),
      // Not kept past the saga: a final order is never asked for again.
      paymentToken: null,
      sealedPaymentToken: null,
    },
    consumed,
  );
  if (outcome.kind === "applied") {
    const { order } = outcome;
    await tx.emit(OrderConfirmedSchema, toOrderConfirmed(order), { key: order.id });
  }
  return outcome;
}
