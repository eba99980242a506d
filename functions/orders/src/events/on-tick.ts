/**
 * The PingSource tick (and orders' own timer): the saga's reconciler drives overdue orders on.
 */
import type { App } from "@shop/runtime";
import { recordTimedOut } from "../metrics/saga-metrics.ts";
import { reconcileOrders } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";

/**
 * Reconciles overdue orders, one batch per transaction, until a batch comes back short; counts what
 * it did and wakes the watchers of the orders it cancelled (after each commit).
 */
export async function onTick(deps: OrdersDeps, app: App): Promise<void> {
  for (;;) {
    const { due, reconciled } = await app.transaction((tx) =>
      reconcileOrders(tx, { limit: deps.reconcileBatch }, deps),
    );
    for (const { orderId, status, action } of reconciled) {
      if (action === "cancel") {
        deps.reconciler.cancelled.inc({ status });
        deps.notifier.notify(orderId);
        app.logger.warn({ orderId, status }, "cancelled an order past its final deadline");
      } else {
        deps.reconciler.reasked.inc({ status });
        app.logger.info({ orderId, status }, "asked again for an order past its deadline");
      }
    }
    const cancelled = reconciled.filter((r) => r.action === "cancel").map((r) => r.orderId);
    await recordTimedOut(deps.sagaMetrics, app.db, cancelled);
    if (due < deps.reconcileBatch) return;
  }
}
