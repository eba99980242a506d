/**
 * The PingSource tick (and orders' own timer): the saga's reconciler drives overdue orders on.
 */
import type { App, Tx } from "@shop/runtime";
import { recordTimedOut } from "../metrics/saga-metrics.ts";
import { cancelOverdueOrders, type Reconciled, reaskOverdueOrders } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";

/**
 * One run of the reconciler. Cancels first, every order past its final deadline, a batch per
 * transaction until one comes back short: a backlog of re-asks must never delay a give-up. Then asks
 * again for at most `reaskPerRun` orders past their deadline, oldest first, a batch per transaction:
 * a run's cost is bounded by its batches, whatever the number of open orders.
 */
export async function onTick(deps: OrdersDeps, app: App): Promise<void> {
  const batch = deps.reconcileBatch;
  const timedOut: string[] = [];
  await inBatches(app, batch, Number.POSITIVE_INFINITY, async (tx, limit) => {
    const cancelled = await cancelOverdueOrders(tx, { limit }, deps);
    tx.afterCommit(() => {
      timedOut.push(...cancelled.map((order) => order.orderId));
      for (const { orderId, status } of cancelled) {
        deps.reconciler.cancelled.inc({ status });
        deps.notifier.notify(orderId);
      }
      if (cancelled.length > 0)
        app.logger.warn(summary(cancelled), "cancelled orders past their final deadline");
    });
    return cancelled.length;
  });
  await recordTimedOut(deps.sagaMetrics, app.db, timedOut);
  await inBatches(app, batch, deps.reaskPerRun, async (tx, limit) => {
    const reasked = await reaskOverdueOrders(tx, { limit }, deps);
    tx.afterCommit(() => {
      for (const { status } of reasked) deps.reconciler.reasked.inc({ status });
      if (reasked.length > 0) app.logger.info(summary(reasked), "asked again for orders past their deadline");
    });
    return reasked.length;
  });
}

/**
 * Runs `step` in one transaction per batch of at most `batch` orders, until a batch comes back short
 * or `total` orders were handled.
 */
async function inBatches(
  app: App,
  batch: number,
  total: number,
  step: (tx: Tx, limit: number) => Promise<number>,
): Promise<void> {
  for (let left = total; left > 0; ) {
    const limit = Math.min(batch, left);
    const done = await app.transaction((tx) => step(tx, limit));
    if (done < limit) return;
    left -= done;
  }
}

/** A log line's fields for a batch: how many orders, and which (the first 20). */
function summary(orders: Reconciled[]) {
  return { count: orders.length, orderIds: orders.slice(0, 20).map((order) => order.orderId) };
}
