/**
 * WatchOrder: the order now, then again whenever it changes, until it is final.
 */
import type { Db, Principal } from "@shop/runtime";
import type { OrderRow } from "../db/schema.ts";
import { getOrder } from "./get-order.ts";
import type { OrderNotifier } from "./notifier.ts";
import { isFinal } from "./status.ts";

/** How a watch runs. */
export interface WatchOptions {
  /** Re-read the order at least this often (changes made by another replica are not notified here). */
  pollMs: number;
  /** End the watch after this long even if the order is not final yet; the client watches again. */
  maxMs: number;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

/**
 * Yields the order `orderId` as `viewer` may see it (see getOrder), then every changed state of it,
 * and returns once it is CONFIRMED or CANCELLED, the client aborts, or `maxMs` passed.
 */
export async function* watchOrder(
  db: Db,
  notifier: OrderNotifier,
  orderId: string,
  viewer: Principal,
  options: WatchOptions,
): AsyncGenerator<OrderRow> {
  const watch = notifier.watch(orderId);
  // Connect does not resume or return a stream suspended at a yield once its client is gone, so
  // the abort itself must release the watch; `finally` alone would not run.
  const stop = () => watch.close();
  options.signal.addEventListener("abort", stop, { once: true });
  try {
    let order = await getOrder(db, orderId, viewer);
    yield order;
    const deadline = Date.now() + options.maxMs;
    while (!isFinal(order.status)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return;
      const woke = await watch.next(Math.min(options.pollMs, remaining), options.signal);
      if (woke === "aborted") return;
      // Notified after the writer's commit (Tx.afterCommit): a plain read sees what it committed.
      const next = await getOrder(db, orderId, viewer);
      if (next.status !== order.status || next.updatedAt.getTime() !== order.updatedAt.getTime()) {
        order = next;
        yield order;
      }
    }
  } finally {
    options.signal.removeEventListener("abort", stop);
    watch.close();
  }
}
