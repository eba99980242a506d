/**
 * The steps of a charge's state machine that the verbs share (README: "A charge's states"): what the
 * provider's answer makes of a payment, refunds, and the events that tell the saga. Each runs inside
 * the caller's transaction, after its `lockOrder`.
 */
import { create } from "@bufbuild/protobuf";
import { money, type Tx } from "@shop/runtime";
import {
  PaymentFailedSchema,
  PaymentRefundedSchema,
  PaymentSucceededSchema,
} from "@shop/schemas/payments/v1/events";
import { eq, getTableColumns, sql } from "drizzle-orm";
import { cancelledOrders, type Payment, type PaymentStatus, payments } from "../db/schema.ts";
import { NOTHING_CHARGED_CANCELLED, refundReason } from "./messages.ts";
import { type ChargeResult, type PaymentProvider, TransientProviderError } from "./provider.ts";

/** The idempotency key an order's charge is sent with: one order, one charge, whatever is retried. */
export function chargeKeyFor(orderId: string): string {
  return `order:${orderId}:charge`;
}

/** The idempotency key of an order's refund (as before keys were stored: a refund is never repeated). */
export function refundKeyFor(orderId: string): string {
  return `refund-${orderId}`;
}

/** The payment of `orderId`, if payments has one. */
export async function findPayment(tx: Pick<Tx, "db">, orderId: string): Promise<Payment | undefined> {
  const [payment] = await tx.db.select().from(payments).where(eq(payments.orderId, orderId));
  return payment;
}

/**
 * Whether `orderId` is cancelled (its tombstone) and its payment, if any, in one read: what a charge
 * asks first, under the order's lock.
 */
export async function findPaymentOf(
  tx: Pick<Tx, "db">,
  orderId: string,
): Promise<{ cancelled: boolean; payment: Payment | undefined }> {
  const [row] = await tx.db
    .select({
      cancelled: sql<boolean>`exists (select 1 from ${cancelledOrders} where ${cancelledOrders.orderId} = ${orderId})`,
      payment: getTableColumns(payments),
    })
    .from(sql`(select 1) as asked`)
    .leftJoin(payments, eq(payments.orderId, orderId));
  return { cancelled: row?.cancelled ?? false, payment: row?.payment ?? undefined };
}

/** A payment as payments writes it (the database stamps `updatedAt`). */
export type PaymentRow = Omit<Payment, "updatedAt">;

/** Writes the payment as given (inserting it if it is new), and returns it as stored. */
export async function savePayment(tx: Pick<Tx, "db">, payment: PaymentRow): Promise<Payment> {
  const values = { ...payment, updatedAt: sql`now()` };
  const [saved] = await tx.db
    .insert(payments)
    .values(values)
    .onConflictDoUpdate({ target: payments.orderId, set: values })
    .returning();
  return saved as Payment;
}

/** Marks that the reconciler looked at an unresolved payment, so the others get their turn first. */
export async function touchPayment(tx: Pick<Tx, "db">, orderId: string): Promise<void> {
  await tx.db.update(payments).set({ updatedAt: sql`now()` }).where(eq(payments.orderId, orderId));
}

/**
 * Records what the provider answered for `payment`'s charge and tells the saga: approved →
 * `succeeded` + PaymentSucceeded, declined → `failed` + PaymentFailed. For a cancelled order no
 * event goes out: an approved charge is refunded (`refunding`, then `refunded` + PaymentRefunded,
 * charged after cancellation), a declined one ends `failed`.
 */
export async function settleCharge(
  tx: Tx,
  payment: PaymentRow,
  result: ChargeResult,
  context: { cancelled: boolean; provider: PaymentProvider },
): Promise<PaymentStatus> {
  if (result.status === "approved") {
    const charged = { ...payment, paymentId: result.paymentId, failureReason: null };
    if (context.cancelled) {
      const owed = await savePayment(tx, { ...charged, status: "refunding", chargedAfterCancellation: true });
      return refundCharge(tx, owed, context.provider);
    }
    await emitOutcome(tx, await savePayment(tx, { ...charged, status: "succeeded" }));
    return "succeeded";
  }
  const failed = await savePayment(tx, { ...payment, status: "failed", failureReason: result.reason });
  if (!context.cancelled) await emitOutcome(tx, failed);
  return "failed";
}

/**
 * Resolves an `unknown` payment by asking the provider what became of its charge: approved or
 * declined is settled as the answer would have been; `not-found` (nothing was charged) ends a
 * cancelled order's payment as `failed` and leaves any other as it is, for the next StockReserved to
 * charge again with the same key. Answers "unknown" while the provider cannot say.
 */
export async function resolveUnknown(
  tx: Tx,
  payment: PaymentRow,
  context: { cancelled: boolean; provider: PaymentProvider },
): Promise<PaymentStatus | "not-found"> {
  let status: Awaited<ReturnType<PaymentProvider["getCharge"]>>;
  try {
    status = await context.provider.getCharge(payment.chargeKey);
  } catch (error) {
    if (error instanceof TransientProviderError) return "unknown";
    throw error;
  }
  if (status.status !== "not-found") return settleCharge(tx, payment, status, context);
  if (!context.cancelled) return "not-found";
  await savePayment(tx, { ...payment, status: "failed", failureReason: NOTHING_CHARGED_CANCELLED });
  return "failed";
}

/**
 * Refunds a `refunding` payment in full (the refund's idempotency key makes a retry refund once) and
 * emits PaymentRefunded with a sentence for the customer. Answers "refunding" while the provider
 * does not confirm it: the payment stays `refunding` for a retry.
 */
export async function refundCharge(
  tx: Tx,
  payment: PaymentRow,
  provider: PaymentProvider,
): Promise<PaymentStatus> {
  const amount = { amountMinor: payment.amountMinor, currency: payment.currency };
  try {
    await provider.refund({
      paymentId: payment.paymentId ?? "",
      amount,
      idempotencyKey: refundKeyFor(payment.orderId),
    });
  } catch (error) {
    if (error instanceof TransientProviderError) return "refunding";
    throw error;
  }
  await savePayment(tx, { ...payment, status: "refunded" });
  const message = create(PaymentRefundedSchema, {
    orderId: payment.orderId,
    customerId: payment.customerId,
    paymentId: payment.paymentId ?? "",
    amount: money(amount.amountMinor, amount.currency),
    reason: refundReason(payment.orderId, amount, payment.chargedAfterCancellation),
    chargedAfterCancellation: payment.chargedAfterCancellation,
  });
  await tx.emit(PaymentRefundedSchema, message, { key: payment.orderId });
  return "refunded";
}

/**
 * Tells the saga what a settled payment came to: PaymentSucceeded for `succeeded`, PaymentFailed
 * (with its reason) for `failed`. The same row always gives the same event, so answering a re-ask
 * repeats the first answer exactly.
 */
export async function emitOutcome(tx: Tx, payment: PaymentRow): Promise<void> {
  const { orderId, customerId } = payment;
  if (payment.status === "succeeded") {
    const message = create(PaymentSucceededSchema, {
      orderId,
      customerId,
      paymentId: payment.paymentId ?? "",
      amount: money(payment.amountMinor, payment.currency),
    });
    await tx.emit(PaymentSucceededSchema, message, { key: orderId });
  } else if (payment.status === "failed") {
    const reason = payment.failureReason ?? "";
    await tx.emit(PaymentFailedSchema, create(PaymentFailedSchema, { orderId, customerId, reason }), {
      key: orderId,
    });
  }
}

/**
 * Takes an unresolved payment as far towards final as the provider allows now: an `unknown` one is
 * resolved by the status query, a `refunding` one refunded, and a `succeeded` charge of a cancelled
 * order starts its refund. Answers where the payment stands (`not-found`: still `unknown`, the
 * provider never took the charge).
 */
export async function advancePayment(
  tx: Tx,
  payment: PaymentRow,
  context: { cancelled: boolean; provider: PaymentProvider },
): Promise<PaymentStatus | "not-found"> {
  if (payment.status === "unknown") return resolveUnknown(tx, payment, context);
  if (payment.status === "refunding") return refundCharge(tx, payment, context.provider);
  if (context.cancelled && payment.status === "succeeded" && payment.paymentId) {
    const owed = await savePayment(tx, { ...payment, status: "refunding" });
    return refundCharge(tx, owed, context.provider);
  }
  return payment.status;
}
