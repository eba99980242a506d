/**
 * The PingSource tick (and the runtime's timer): the reconciler of payments whose outcome is not
 * final, so an unknown charge is resolved, and an owed refund made, even when no event arrives.
 */
import type { App } from "@shop/runtime";
import { findUnresolvedPayments, reconcilePayment } from "../payments/index.ts";
import type { PaymentsDeps } from "../setup.ts";

/** Payments one tick looks at, at most (the longest unattended first; the next tick takes the rest). */
export const RECONCILE_BATCH = 100;

/**
 * onTick: each unresolved payment in a transaction of its own, so one the provider cannot answer
 * for does not hold up the others; a failure is logged and the next tick tries again.
 */
export async function onTick(deps: PaymentsDeps, app: App): Promise<void> {
  const orderIds = await findUnresolvedPayments(app.db, { limit: RECONCILE_BATCH });
  for (const orderId of orderIds) {
    try {
      const status = await app.transaction((tx) => reconcilePayment(tx, { orderId }, deps));
      app.logger.info({ orderId, status }, "reconciled the payment of order %s: %s", orderId, status);
    } catch (error) {
      app.logger.error({ err: error, orderId }, "could not reconcile the payment of order %s", orderId);
    }
  }
}
