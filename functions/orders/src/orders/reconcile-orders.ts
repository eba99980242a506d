/**
 * The saga's reconciler: every open order reaches a final state by its deadline, even when a hop was
 * down for longer than the broker retries. Past its deadline an order is asked for again (OrderPlaced
 * re-emitted: every participant answers a repeated question with the answer it gave, so the re-ask
 * travels the chain to the step that is missing); past its final deadline it is cancelled, and
 * OrderCancelled makes every step compensate.
 */

import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { CancellationCause, OrderCancelledSchema, OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { CancelledBy } from "@shop/schemas/orders/v1/orders";
import { asc, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { type OrderStatusName, orders } from "../db/schema.ts";
import { nextDeadline, pastDeadline, pastGiveUp, type SagaClock } from "./deadlines.ts";
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

/**
 * Cancels up to `limit` open orders past their final deadline at `clock.now()`, oldest give-up first,
 * with one UPDATE and one multi-row outbox INSERT of their OrderCancelled (TIMED_OUT), in `tx`. The
 * orders are locked with SKIP LOCKED, so replicas reconciling at the same time share the work instead
 * of doing it twice, and an order a saga handler is changing right now is left for the next batch.
 */
export async function cancelOverdueOrders(
  tx: Tx,
  { limit }: { limit: number },
  clock: SagaClock,
): Promise<Reconciled[]> {
  const due = lockDue(tx, pastGiveUp(clock.now()), orders.giveUpAt, limit);
  const cancelled = await tx.db
    .update(orders)
    // What cancelOrder writes: the payment token is not kept past the saga.
    .set({
      status: "CANCELLED",
      cancelReason: TIMED_OUT_REASON,
      paymentToken: null,
      sealedPaymentToken: null,
      cancelledBy: "SYSTEM",
      cancelledById: "",
      cancelledAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .from(due)
    .where(eq(orders.id, due.id))
    .returning({
      orderId: orders.id,
      customerId: orders.customerId,
      status: due.status,
      traceParent: orders.traceParent,
      traceState: orders.traceState,
      cancelledAt: orders.cancelledAt,
    });
  const cause = CancellationCause.TIMED_OUT;
  await tx.emitAll(
    OrderCancelledSchema,
    cancelled.map((order) => ({
      key: order.orderId,
      message: create(OrderCancelledSchema, {
        orderId: order.orderId,
        customerId: order.customerId,
        cause,
        reason: TIMED_OUT_REASON,
        cancellation: {
          by: CancelledBy.SYSTEM,
          ...(order.cancelledAt ? { cancelledAt: timestampFromDate(order.cancelledAt) } : {}),
        },
      }),
      ...traceOf(order),
    })),
  );
  return cancelled.map(({ orderId, status }) => ({ orderId, status, action: "cancel" }));
}

/**
 * Asks again for up to `limit` open orders past their deadline (and not past their final one) at
 * `clock.now()`, oldest deadline first: one UPDATE moves each one's deadline a period on (once per
 * period: the next re-ask waits for it), one multi-row outbox INSERT re-emits their OrderPlaced.
 */
export async function reaskOverdueOrders(
  tx: Tx,
  { limit }: { limit: number },
  clock: SagaClock,
): Promise<Reconciled[]> {
  const now = clock.now();
  const due = lockDue(tx, pastDeadline(now), orders.deadlineAt, limit);
  const reasked = await tx.db
    .update(orders)
    .set({ deadlineAt: nextDeadline(now, clock.saga) })
    .from(due)
    .where(eq(orders.id, due.id))
    .returning(getTableColumns(orders));
  await tx.emitAll(
    OrderPlacedSchema,
    // A re-ask joins the trace of the order it asks about, when the order has one.
    reasked.map((order) => ({ key: order.id, message: toOrderPlaced(order), ...traceOf(order) })),
  );
  return reasked.map(({ id, status }) => ({ orderId: id, status, action: "re-ask" }));
}

/** Up to `limit` orders under `where`, by `by`, locked FOR UPDATE SKIP LOCKED: the rows one statement takes. */
function lockDue(tx: Tx, where: SQL | undefined, by: PgColumn, limit: number) {
  return tx.db
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(where)
    .orderBy(asc(by), asc(orders.id))
    .limit(limit)
    .for("update", { skipLocked: true })
    .as("due");
}

/** The order's stored trace context, for the events about it that a later transaction emits. */
function traceOf(order: { traceParent: string | null; traceState: string | null }) {
  if (!order.traceParent) return {};
  return {
    trace: { traceparent: order.traceParent, ...(order.traceState ? { tracestate: order.traceState } : {}) },
  };
}
