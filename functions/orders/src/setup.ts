/**
 * The dependencies of orders, built once per running function from its config: what its routes and
 * its saga handlers share.
 */
import type { SetupContext } from "@shop/runtime";
import type { OrdersConfig } from "./config.ts";
import { createOrderNotifier, type OrderNotifier, type WatchTiming } from "./orders/index.ts";

/** What orders' routes and handlers receive as `deps`. */
export interface OrdersDeps {
  /** Wakes this process's WatchOrder streams of an order when a saga handler changed it. */
  notifier: OrderNotifier;
  /** How long watches poll and run. */
  watch: WatchTiming;
}

/** Builds the dependencies of orders. */
export function setup({ config }: SetupContext<OrdersConfig>): OrdersDeps {
  return {
    notifier: createOrderNotifier(),
    watch: { pollMs: config.watchPollMs, maxMs: config.watchMaxMs },
  };
}
