/**
 * The saga's reconciler: every open order reaches a final state by its deadline, even when a hop was
 * down for longer than the broker retries. Past its deadline an order is asked for again (OrderPlaced
 * re-emitted: every participant answers a repeated question with the answer it gave, so the re-ask
 * travels the chain to the step that is missing); past its final deadline it is cancelled, and
 * OrderCancelled makes every step compensate.
 */

import type { Tx } from "@shop/runtime";
import { CancellationCause, OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { and, asc, eq, lte } from "drizzle-orm";
import { isOpen, type OrderStatusName, orders } from "../db/schema.ts";
import { cancelOrder } from "./cancel-order.ts";
import { decide, type SagaClock } from "./deadlines.ts";
import { toOrderPlaced } from "./messages.ts";

/** What the customer reads on an order the reconciler cancelled. */
export const TIMED_OUT_REASON =
  "We could not complete your order in time, so we cancelled it. If anything was charged, it will be refunded.";

/** What one run of the reconciler did to one order: in which status it found it, and what it did. */
export interface Reconciled {
  orderId: string;
  status: OrderStatusName;
  action: "re-ask" | "cancel";
}

/** One batch of the reconciler: how many overdue orders it took, and what it did with them. */
export interface ReconcileResult {
  due: number;
  reconciled: Reconciled[];
}

/**
 * Takes up to `limit` open orders past their deadline at `clock.now()`, oldest deadline first, and
 * re-asks or cancels each (see `decide`). The orders are locked with SKIP LOCKED, so replicas
 * reconciling at the same time share the work instead of doing it twice, and an order a saga handler
 * is changing right now is left for the next tick.
 */
export async function reconcileOrders(
  tx: Tx,
  { limit }: { limit: number },
  clock: SagaClock,
): Promise<ReconcileResult> {
  const now = clock.now();
  const due = await tx.db
    .select()
    .from(orders)
    .where(and(isOpen(orders.status), lte(orders.deadlineAt, now)))
    .orderBy(asc(orders.deadlineAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const reconciled: Reconciled[] = [];
  for (const order of due) {
    const decision = decide(order, now, clock.saga);
    if (decision.action === "wait") continue;
    if (decision.action === "re-ask") {
      // Once per deadline period: the next re-ask waits for the deadline set here.
      await tx.db.update(orders).set({ deadlineAt: decision.nextDeadlineAt }).where(eq(orders.id, order.id));
      const trace = order.traceParent
        ? { traceparent: order.traceParent, ...(order.traceState ? { tracestate: order.traceState } : {}) }
        : undefined;
      await tx.emit(OrderPlacedSchema, toOrderPlaced(order), { key: order.id, ...(trace ? { trace } : {}) });
    } else {
      const cause = CancellationCause.TIMED_OUT;
      await cancelOrder(tx, { orderId: order.id, cause, reason: TIMED_OUT_REASON });
    }
    reconciled.push({ orderId: order.id, status: order.status, action: decision.action });
  }
  return { due: due.length, reconciled };
}
