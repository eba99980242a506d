/**
 * The saga's health on orders' /metrics: how long orders take from placed to final and how they end
 * (`shop_saga_duration_seconds{state}`, `shop_orders_final_total{state,reason}`), and how many open
 * orders are past their final deadline right now (`shop_orders_overdue`, read at scrape time).
 */
import type { Db, Logger, Metrics } from "@shop/runtime";
import { StockRejectedSchema } from "@shop/schemas/inventory/v1/events";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import { PaymentFailedSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricingRejectedSchema } from "@shop/schemas/promotions/v1/events";
import { and, count, inArray, lte, sql } from "drizzle-orm";
import { isOpen, type OrderRow, orders } from "../db/schema.ts";

/** How an order ended, as its metrics label it. */
export type FinalState = "confirmed" | "cancelled";

/** Records orders that became final, for /metrics. */
export interface SagaMetrics {
  /**
   * An order became final (after its commit): `reason` is the cancellation cause (`out_of_stock`,
   * `timed_out`, …), "" for a confirmed order.
   */
  finished(order: Pick<OrderRow, "status" | "createdAt" | "updatedAt">, reason: string): void;
}

// From a purchase that flows in well under a second to one given up after ORDERS_SAGA_GIVE_UP_MS
// (10 minutes by default) and cancelled by the reconciler's next tick.
const SAGA_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900];

/**
 * The label of a cancellation cause. The order keeps the customer's sentence, which a step may word
 * itself (so it cannot be a label); the cause is one of a few, stated by the event that cancelled.
 */
export function reasonLabel(cause: CancellationCause): string {
  return CancellationCause[cause].toLowerCase();
}

/** The cause of a cancellation by the saga event of `type` (the reconciler's are `timed_out`). */
const CAUSE_OF_EVENT: Record<string, CancellationCause> = {
  [OrderPricingRejectedSchema.typeName]: CancellationCause.PRICING_REJECTED,
  [StockRejectedSchema.typeName]: CancellationCause.OUT_OF_STOCK,
  [PaymentFailedSchema.typeName]: CancellationCause.PAYMENT_FAILED,
};

/** The reason label of an order that event `type` made final ("" for a confirmation). */
export function reasonOfEvent(status: OrderRow["status"], type: string): string {
  if (status !== "CANCELLED") return "";
  return reasonLabel(CAUSE_OF_EVENT[type] ?? CancellationCause.UNSPECIFIED);
}

/** Registers orders' saga metrics in `metrics`; the overdue gauge reads `db` at each scrape. */
export function createSagaMetrics(metrics: Metrics, db: Db, logger: Logger): SagaMetrics {
  const duration = metrics.histogram(
    "shop_saga_duration_seconds",
    "Time from PlaceOrder to the order's final state, by that state",
    ["state"],
    SAGA_BUCKETS,
  );
  const final = metrics.counter(
    "shop_orders_final_total",
    "Orders that became final, by state and cancellation reason (the cause; empty for confirmed)",
    ["state", "reason"],
  );
  metrics.gauge(
    "shop_orders_overdue",
    "Open orders past their final deadline: the reconciler should have cancelled them",
    [],
    async function () {
      try {
        this.set(await countOverdue(db));
      } catch (error) {
        // The database is down: leave the last figure; readiness says so already.
        logger.debug({ err: error }, "could not count overdue orders for /metrics");
      }
    },
  );
  return {
    finished(order, reason) {
      const state: FinalState = order.status === "CONFIRMED" ? "confirmed" : "cancelled";
      const seconds = (order.updatedAt.getTime() - order.createdAt.getTime()) / 1000;
      duration.observe({ state }, Math.max(0, seconds));
      final.inc({ state, reason: state === "confirmed" ? "" : reason });
    },
  };
}

/**
 * Open orders past their final deadline, now. The first deadline is never after the final one, so
 * `deadline_at <= now()` holds for each of them too and lets the partial index of open orders by
 * deadline find them.
 */
export async function countOverdue(db: Db): Promise<number> {
  const [row] = await db
    .select({ overdue: count() })
    .from(orders)
    .where(and(isOpen(orders.status), lte(orders.deadlineAt, sql`now()`), lte(orders.giveUpAt, sql`now()`)));
  return Number(row?.overdue ?? 0);
}

/**
 * Records the orders the reconciler cancelled (`timed_out`), read back after its commit: the
 * reconciler reports ids, and this keeps its query as it is.
 */
export async function recordTimedOut(sagaMetrics: SagaMetrics, db: Db, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  const cancelled = await db
    .select({ status: orders.status, createdAt: orders.createdAt, updatedAt: orders.updatedAt })
    .from(orders)
    .where(inArray(orders.id, orderIds));
  for (const order of cancelled) {
    if (order.status === "CANCELLED") sagaMetrics.finished(order, reasonLabel(CancellationCause.TIMED_OUT));
  }
}
