/**
 * What every saga handler does after its verb: wake the order's watchers, or say why nothing changed.
 */
import { type EventContext, recordProcessed } from "@shop/runtime";
import { processedEvents } from "../db/schema.ts";
import { reasonOfEvent } from "../metrics/saga-metrics.ts";
import type { SagaOutcome } from "../orders/index.ts";
import { isFinal } from "../orders/status.ts";
import type { OrdersDeps } from "../setup.ts";

/**
 * Notifies the watchers of a changed order. An event for an order that does not exist is logged and
 * dropped rather than thrown for redelivery: orders emits OrderPlaced only after the order committed,
 * so no retry can make the order appear; it can only block the partition and end in the DLQ.
 * A late event for an order already at or past its step changes nothing, by design.
 */
export function settle(context: EventContext<OrdersDeps>, orderId: string, outcome: SagaOutcome): void {
  const { deps, event, logger } = context;
  if (outcome.kind === "applied") {
    // After the commit, with the committed row, so a woken watcher shows it without reading it again.
    const { order } = outcome;
    context.afterCommit(() => deps.notifier.notify(orderId, order));
    if (isFinal(order.status)) {
      context.afterCommit(() => deps.sagaMetrics.finished(order, reasonOfEvent(order.status, event.type)));
    }
  } else if (outcome.kind === "missing") {
    logger.warn({ orderId, type: event.type, source: event.source }, "ignored an event for an unknown order");
  } else if (outcome.kind === "unchanged") {
    logger.debug({ orderId, type: event.type, status: outcome.order.status }, "ignored a late event");
  }
}

/**
 * settle for a step whose UPDATE recorded its event in the order's history itself (updateOrder with
 * `consumed`): false for a redelivery, which changed nothing (answered "duplicate"). An event for an
 * unknown order has no history row, so it gets a processed-event record instead, as `recorded`
 * gives it (history.ts): its redelivery is a duplicate too.
 */
export async function settleStep(
  context: EventContext<OrdersDeps>,
  orderId: string,
  outcome: SagaOutcome,
): Promise<boolean> {
  if (outcome.kind === "duplicate") return false;
  if (outcome.kind === "missing" && !(await recordProcessed(context, processedEvents, context.event))) {
    return false;
  }
  settle(context, orderId, outcome);
  return true;
}

/**
 * What a handler of shipping's events does after its verb: wake the order's watchers when the
 * shipment changed (the saga is over by then, so no saga metric moves); an event for an unknown
 * order is logged and dropped, as in settle.
 */
export function settleShipment(
  context: EventContext<OrdersDeps>,
  orderId: string,
  outcome: SagaOutcome,
): void {
  const { deps, event, logger } = context;
  if (outcome.kind === "applied") context.afterCommit(() => deps.notifier.notify(orderId, outcome.order));
  else if (outcome.kind === "missing") {
    logger.warn({ orderId, type: event.type, source: event.source }, "ignored an event for an unknown order");
  }
}
