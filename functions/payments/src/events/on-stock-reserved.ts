import type { EventContext } from "@shop/runtime";
import type { StockReserved } from "@shop/schemas/inventory/v1/events";
import { chargePayment, countFailedAttempt, providerOf, type ReservedOrder } from "../payments/index.ts";

/** The delivery failed because the provider was unavailable; the broker redelivers it. */
export class PaymentProviderUnavailableError extends Error {
  override name = "PaymentProviderUnavailableError";
}

/**
 * StockReserved: charge the order's total. When the provider is unavailable the attempt is counted
 * and the delivery fails, so the broker redelivers it (with backoff) until the charge succeeds or
 * chargePayment gives up.
 */
export async function onStockReserved(message: StockReserved, context: EventContext): Promise<void> {
  const order: ReservedOrder = {
    orderId: message.orderId,
    customerId: message.customerId,
    total: { amountMinor: message.total?.amountMinor ?? 0n, currency: message.total?.currency ?? "" },
    paymentToken: message.paymentToken,
  };
  const { app } = context;
  const result = await chargePayment(order, context, providerOf(app));
  if (result.outcome !== "unavailable") return;
  // The count must outlive the rollback of this delivery, so it goes in a transaction of its own,
  // started now but not awaited: with PGlite (one connection) a second transaction waits for this
  // one to end, so awaiting it here would deadlock; it commits right after the rollback, before
  // the redelivery. On Postgres it commits on another connection at once. If the process dies
  // first, the count is one short: one more attempt, never a second charge (idempotency key).
  void app
    .transaction((tx) => countFailedAttempt(order, tx))
    .catch((error: unknown) =>
      app.logger.error({ err: error, orderId: order.orderId }, "could not count a failed charge"),
    );
  throw new PaymentProviderUnavailableError(
    `the payment provider is unavailable (attempt ${result.failedAttempts} for order ${order.orderId}); retry later`,
  );
}
