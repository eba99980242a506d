/**
 * chargePayment: takes the total of an order whose stock is reserved.
 */
import { create } from "@bufbuild/protobuf";
import { lockOrder, money, type Tx, wasCancelled } from "@shop/runtime";
import { PaymentFailedSchema, PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { eq, sql } from "drizzle-orm";
import { cancelledOrders, type PaymentStatus, payments } from "../db/schema.ts";
import { providerUnavailable } from "./errors.ts";
import { type Amount, type PaymentProvider, TransientProviderError } from "./provider.ts";

/** Charge attempts (deliveries of StockReserved) before payments gives up on an unavailable provider. */
export const MAX_CHARGE_ATTEMPTS = 5;

/** What the customer is told when the provider stayed unavailable. */
export const PROVIDER_UNAVAILABLE = "The payment provider is unavailable right now; nothing was charged.";

/** An order whose stock is held, as payments needs it. */
export interface ReservedOrder {
  orderId: string;
  customerId: string;
  total: Amount;
  paymentToken: string;
}

/** Where transiently failed charge attempts are counted, outside the transaction that failed. */
export interface FailedAttempts {
  /** Counts one failed attempt of `order`; it commits even though the caller's transaction rolls back. */
  record(order: ReservedOrder): void;
}

/** What chargePayment needs besides the transaction. */
export interface ChargeDeps {
  provider: PaymentProvider;
  attempts: FailedAttempts;
}

/** What chargePayment did. */
export type ChargeOutcome =
  | { outcome: "succeeded"; paymentId: string }
  | { outcome: "failed"; reason: string }
  /** Already paid or failed, or the order was cancelled first: nothing to do. */
  | { outcome: "skipped" };

/**
 * Charges the order's total once (the order id is the provider's idempotency key, so a retry never
 * charges twice) and emits PaymentSucceeded or PaymentFailed. A zero total succeeds without a
 * charge. When the provider is unavailable it writes nothing in `tx`, records the failed attempt
 * with `deps.attempts` and throws `providerUnavailable`, so the delivery is retried, until the
 * MAX_CHARGE_ATTEMPTS-th attempt, which fails the payment so the order still ends.
 */
export async function chargePayment(tx: Tx, order: ReservedOrder, deps: ChargeDeps): Promise<ChargeOutcome> {
  await lockOrder(tx, "payments", order.orderId);
  if (await wasCancelled(tx, cancelledOrders, order.orderId)) return { outcome: "skipped" };
  const [payment] = await tx.db.select().from(payments).where(eq(payments.orderId, order.orderId));
  if (payment && payment.status !== "charging") return { outcome: "skipped" };
  const failedBefore = payment?.attempts ?? 0;

  if (order.total.amountMinor === 0n) {
    await settle(tx, order, { status: "succeeded", paymentId: "", attempts: failedBefore });
    return { outcome: "succeeded", paymentId: "" };
  }
  let result: Awaited<ReturnType<PaymentProvider["charge"]>>;
  try {
    result = await deps.provider.charge({
      idempotencyKey: order.orderId,
      amount: order.total,
      token: order.paymentToken,
    });
  } catch (error) {
    if (!(error instanceof TransientProviderError)) throw error;
    const failedAttempts = failedBefore + 1;
    if (failedAttempts < MAX_CHARGE_ATTEMPTS) {
      deps.attempts.record(order);
      throw providerUnavailable(order.orderId, failedAttempts);
    }
    await settle(tx, order, { status: "failed", reason: PROVIDER_UNAVAILABLE, attempts: failedAttempts });
    return { outcome: "failed", reason: PROVIDER_UNAVAILABLE };
  }
  if (result.status === "approved") {
    await settle(tx, order, { status: "succeeded", paymentId: result.paymentId, attempts: failedBefore });
    return { outcome: "succeeded", paymentId: result.paymentId };
  }
  await settle(tx, order, { status: "failed", reason: result.reason, attempts: failedBefore });
  return { outcome: "failed", reason: result.reason };
}

/**
 * Counts one transiently failed charge attempt of `order`. Runs in a transaction of its own, so the
 * count survives the rollback of the delivery that failed; it never touches a settled payment.
 */
export async function countFailedAttempt(tx: Pick<Tx, "db">, order: ReservedOrder): Promise<void> {
  await tx.db
    .insert(payments)
    .values({ ...row(order), status: "charging", attempts: 1 })
    .onConflictDoUpdate({
      target: payments.orderId,
      set: { attempts: sql`${payments.attempts} + 1`, updatedAt: sql`now()` },
      setWhere: eq(payments.status, "charging"),
    });
}

type Settlement =
  | { status: "succeeded"; paymentId: string; attempts: number }
  | { status: "failed"; reason: string; attempts: number };

/** Records the final status of the payment and emits what became of it. */
async function settle(tx: Tx, order: ReservedOrder, settlement: Settlement): Promise<void> {
  const values = {
    ...row(order),
    status: settlement.status as PaymentStatus,
    attempts: settlement.attempts,
    paymentId: settlement.status === "succeeded" ? settlement.paymentId || null : null,
    failureReason: settlement.status === "failed" ? settlement.reason : null,
    updatedAt: sql`now()`,
  };
  await tx.db.insert(payments).values(values).onConflictDoUpdate({ target: payments.orderId, set: values });
  const { orderId, customerId } = order;
  if (settlement.status === "succeeded") {
    const message = create(PaymentSucceededSchema, {
      orderId,
      customerId,
      paymentId: settlement.paymentId,
      amount: money(order.total.amountMinor, order.total.currency),
    });
    await tx.emit(PaymentSucceededSchema, message, { key: orderId });
  } else {
    const message = create(PaymentFailedSchema, { orderId, customerId, reason: settlement.reason });
    await tx.emit(PaymentFailedSchema, message, { key: orderId });
  }
}

function row(order: ReservedOrder) {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    amountMinor: order.total.amountMinor,
    currency: order.total.currency,
  };
}
