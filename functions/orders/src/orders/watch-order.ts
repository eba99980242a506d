/**
 * WatchOrder: the order now, then again whenever it changes, until it is final (for an order that
 * ships: until its parcel is delivered, or it is cancelled).
 */
import type { Db } from "@shop/runtime";
import type { OrderRow } from "../db/schema.ts";
import { type GetOrderInput, getOrder } from "./get-order.ts";
import type { OrderNotifier } from "./notifier.ts";

/**
 * True when nothing more will happen to the order that a watcher waits for: it is cancelled, or
 * confirmed and either ships nothing or its parcel was delivered (or its shipment cancelled).
 */
export function watchEnds(order: OrderRow): boolean {
  if (order.status === "CANCELLED") return true;
  if (order.status !== "CONFIRMED") return false;
  if (!order.shipping) return true;
  return order.shipment?.status === "DELIVERED" || order.shipment?.status === "CANCELLED";
}

/** How long watches run (orders' config: `ORDERS_WATCH_POLL_MS`, `ORDERS_WATCH_MAX_MS`). */
export interface WatchTiming {
  /** Re-read the order at least this often (changes made by another replica are not notified here). */
  pollMs: number;
  /** End the watch after this long even if the order is not final yet; the client watches again. */
  maxMs: number;
}

/** Which order, who watches it, and the signal that aborts when the client goes away. */
export interface WatchOrderInput extends GetOrderInput {
  signal: AbortSignal;
}

/** What a watch needs besides the database: the notifier the saga handlers wake, and its timing. */
export interface WatchDeps {
  notifier: OrderNotifier;
  watch: WatchTiming;
}

/**
 * Yields the order `orderId` as `viewer` may see it (see getOrder), then every changed state of it,
 * and returns once it is CANCELLED or CONFIRMED (an order that ships: once its parcel is
 * DELIVERED), the client aborts, or `maxMs` passed.
 */
export async function* watchOrder(
  db: Db,
  { orderId, viewer, signal }: WatchOrderInput,
  { notifier, watch: timing }: WatchDeps,
): AsyncGenerator<OrderRow> {
  const watch = notifier.watch(orderId);
  // Connect does not resume or return a stream suspended at a yield once its client is gone, so
  // the abort itself must release the watch; `finally` alone would not run.
  const stop = () => watch.close();
  signal.addEventListener("abort", stop, { once: true });
  try {
    let order = await getOrder(db, { orderId, viewer });
    yield order;
    const deadline = Date.now() + timing.maxMs;
    while (!watchEnds(order)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return;
      const woke = await watch.next(Math.min(timing.pollMs, remaining), signal);
      if (woke === "aborted") return;
      // Notified after the writer's commit (Tx.afterCommit) with the row it committed, or else a
      // plain read sees what it committed. A handed-over row older than what the watch showed (two
      // commits notifying out of order) is read again instead.
      const handed = woke === "changed" ? watch.takeOrder() : undefined;
      const next =
        handed && handed.updatedAt.getTime() >= order.updatedAt.getTime()
          ? handed
          : await getOrder(db, { orderId, viewer });
      if (next.status !== order.status || next.updatedAt.getTime() !== order.updatedAt.getTime()) {
        order = next;
        yield order;
      }
    }
  } finally {
    signal.removeEventListener("abort", stop);
    watch.close();
  }
}
