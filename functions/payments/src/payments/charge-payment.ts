/**
 * chargePayment: takes the total of an order whose stock is reserved, once, and answers the saga.
 */
import { lockOrder, type Tx } from "@shop/runtime";
import type { Payment } from "../db/schema.ts";
import { chargeOutcomeUnknown } from "./errors.ts";
import { type Amount, type ChargeResult, type PaymentProvider, TransientProviderError } from "./provider.ts";
import {
  chargeKeyFor,
  emitOutcome,
  findPayment,
  findPaymentOf,
  type PaymentRow,
  resolveUnknown,
  savePayment,
  settleCharge,
} from "./settle.ts";

/** An order whose stock is held, as payments needs it. */
export interface ReservedOrder {
  orderId: string;
  customerId: string;
  total: Amount;
  paymentToken: string;
}

/** What chargePayment did. */
export type ChargeOutcome =
  /** Charged now (or nothing to charge: a zero total); PaymentSucceeded emitted. */
  | { outcome: "succeeded"; paymentId: string }
  /** Declined now; PaymentFailed emitted. */
  | { outcome: "failed"; reason: string }
  /** Asked again for an order already settled: the same PaymentSucceeded or PaymentFailed again. */
  | { outcome: "answered again"; status: "succeeded" | "failed" }
  /** The order was cancelled first: nothing charged, nothing emitted. */
  | { outcome: "skipped" };

/**
 * Charges the order's total once and emits PaymentSucceeded or PaymentFailed. The charge is sent
 * with an idempotency key from the order (`order:<id>:charge`), so a retry never charges twice.
 * - A cancelled order: nothing (its OrderCancelled and the reconciler settle any charge it has).
 * - A payment already settled (a redelivery or the saga reconciler's re-ask): the same event again,
 *   no charge.
 * - An `unknown` payment (an earlier answer was lost): the provider's status query first; a charge it
 *   knows is settled as it went, one it never took is sent again with the same key.
 * - When the provider does not answer (timeout, connection reset), the payment is recorded as
 *   `unknown`, never as "nothing was charged", and chargeOutcomeUnknown is thrown: that record
 *   commits, the delivery is answered 5xx, and the broker's redelivery resolves it (as the
 *   reconciler does on its tick, with no event).
 * A zero total succeeds without a charge.
 */
export async function chargePayment(
  tx: Tx,
  order: ReservedOrder,
  deps: { provider: PaymentProvider },
): Promise<ChargeOutcome> {
  await lockOrder(tx, "payments", order.orderId);
  // After the lock: a cancellation that held it is visible (its tombstone), and so is its payment.
  const { cancelled, payment } = await findPaymentOf(tx, order.orderId);
  if (cancelled) return { outcome: "skipped" };
  if (payment && payment.status !== "unknown") return answerAgain(tx, payment);
  if (payment) {
    const resolved = await resolveUnknown(tx, payment, { cancelled: false, provider: deps.provider });
    if (resolved === "unknown") throw chargeOutcomeUnknown(order.orderId);
    if (resolved !== "not-found") return outcomeOf(await findPayment(tx, order.orderId));
  }
  // Never charged, or the provider never took the charge: send it (again, with the same key).
  const unsent = payment ?? newPayment(order);

  if (order.total.amountMinor === 0n) {
    await emitOutcome(tx, await savePayment(tx, { ...unsent, status: "succeeded", paymentId: null }));
    return { outcome: "succeeded", paymentId: "" };
  }
  let result: ChargeResult;
  try {
    result = await deps.provider.charge({
      idempotencyKey: unsent.chargeKey,
      amount: { amountMinor: unsent.amountMinor, currency: unsent.currency },
      token: order.paymentToken,
    });
  } catch (error) {
    if (!(error instanceof TransientProviderError)) throw error;
    await savePayment(tx, { ...unsent, status: "unknown" });
    throw chargeOutcomeUnknown(order.orderId);
  }
  await settleCharge(tx, unsent, result, { cancelled: false, provider: deps.provider });
  return result.status === "approved"
    ? { outcome: "succeeded", paymentId: result.paymentId }
    : { outcome: "failed", reason: result.reason };
}

/** The payment an order starts with, before anything is sent. */
function newPayment(order: ReservedOrder): PaymentRow {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    amountMinor: order.total.amountMinor,
    currency: order.total.currency,
    status: "unknown",
    chargeKey: chargeKeyFor(order.orderId),
    paymentId: null,
    failureReason: null,
    chargedAfterCancellation: false,
  };
}

/** A settled payment asked for again: the same event as the first time, nothing charged. */
async function answerAgain(tx: Tx, payment: Payment): Promise<ChargeOutcome> {
  if (payment.status !== "succeeded" && payment.status !== "failed") return { outcome: "skipped" };
  await emitOutcome(tx, payment);
  return { outcome: "answered again", status: payment.status };
}

/** What a payment resolved just now came to. */
function outcomeOf(payment: Payment | undefined): ChargeOutcome {
  if (payment?.status === "succeeded") return { outcome: "succeeded", paymentId: payment.paymentId ?? "" };
  if (payment?.status === "failed") return { outcome: "failed", reason: payment.failureReason ?? "" };
  return { outcome: "skipped" };
}
