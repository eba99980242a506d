/**
 * The dependencies of orders, built once per running function from its config: what its routes, its
 * saga handlers and its reconciler share.
 */
import { type SetupContext, sealPaymentToken } from "@shop/runtime";
import type { OrdersConfig } from "./config.ts";
import type { OrderStatusName } from "./db/schema.ts";
import { createSagaMetrics, type SagaMetrics } from "./metrics/saga-metrics.ts";
import {
  createOrderNotifier,
  type OrderNotifier,
  type SagaTiming,
  type WatchTiming,
} from "./orders/index.ts";

/** A counter of orders by the status they were in (a prom-client Counter). */
export interface StatusCounter {
  inc(labels: { status: OrderStatusName }): void;
}

/** What orders' routes and handlers receive as `deps`. */
export interface OrdersDeps {
  /** Wakes this process's WatchOrder streams of an order when a saga handler changed it. */
  notifier: OrderNotifier;
  /** How long watches poll and run. */
  watch: WatchTiming;
  /** The clock the saga's deadlines are set and checked by (tests replace it). */
  now: () => Date;
  /** How long the saga may take before an order is asked for again, and before it is given up. */
  saga: SagaTiming;
  /** How many overdue orders the reconciler takes in one transaction. */
  reconcileBatch: number;
  /** The most orders one reconciler run asks again. */
  reaskPerRun: number;
  /** What the reconciler did, for /metrics: orders asked for again, and orders it cancelled. */
  reconciler: { reasked: StatusCounter; cancelled: StatusCounter };
  /** Orders that became final, for /metrics (saga duration, final states and reasons). */
  sagaMetrics: SagaMetrics;
  /**
   * Seals a customer's payment token for payments, bound to the order (Vault Transit; orders may
   * encrypt, never decrypt): the only form of the token orders stores or emits.
   */
  sealPaymentToken: (token: string, orderId: string) => Promise<string>;
}

/** Builds the dependencies of orders. */
export function setup({ config, app, metrics }: SetupContext<OrdersConfig>): OrdersDeps {
  return {
    sealPaymentToken: (token, orderId) => sealPaymentToken(app.secrets, token, orderId),
    notifier: createOrderNotifier(),
    watch: { pollMs: config.watchPollMs, maxMs: config.watchMaxMs },
    now: () => new Date(),
    saga: { deadlineMs: config.sagaDeadlineMs, giveUpMs: config.sagaGiveUpMs },
    reconcileBatch: config.reconcileBatch,
    reaskPerRun: config.reaskPerRun,
    reconciler: {
      reasked: metrics.counter(
        "shop_orders_reasked_total",
        "Open orders past their deadline that the reconciler asked for again (OrderPlaced re-emitted), by the status they were in",
        ["status"],
      ),
      cancelled: metrics.counter(
        "shop_orders_timed_out_total",
        "Open orders past their final deadline that the reconciler cancelled, by the status they were in",
        ["status"],
      ),
    },
    sagaMetrics: createSagaMetrics(metrics, app.db, app.logger),
  };
}
