/**
 * The saga's deadlines: when an open order is asked for again, and when it is given up. Pure rules,
 * so that what the reconciler does in each state at each moment is stated (and tested) in one place.
 */
import type { OrderRow } from "../db/schema.ts";
import { isFinal } from "./status.ts";

/** How long the saga may take (orders' config: `ORDERS_SAGA_DEADLINE_MS`, `ORDERS_SAGA_GIVE_UP_MS`). */
export interface SagaTiming {
  /** After placing, and then after each re-ask, the time until the order is asked for again. */
  deadlineMs: number;
  /** After placing, the time until an order still open is cancelled. */
  giveUpMs: number;
}

/** What the deadlines need: the clock (a dep, so tests move time) and the timing. */
export interface SagaClock {
  now: () => Date;
  saga: SagaTiming;
}

/** The deadlines of an order placed at `placedAt` (the first never after the final one). */
export function deadlinesOf(placedAt: Date, { deadlineMs, giveUpMs }: SagaTiming) {
  const placed = placedAt.getTime();
  return {
    deadlineAt: new Date(placed + Math.min(deadlineMs, giveUpMs)),
    giveUpAt: new Date(placed + giveUpMs),
  };
}

/**
 * What the reconciler does with an order at `now`: nothing before its deadline (or once final);
 * past its deadline ask again and set the next deadline one period on (never past the final one);
 * past its final deadline cancel it.
 */
export type ReconcileDecision =
  | { action: "wait" }
  | { action: "re-ask"; nextDeadlineAt: Date }
  | { action: "cancel" };

/** Decides what the reconciler does with `order` at `now`. */
export function decide(
  order: Pick<OrderRow, "status" | "deadlineAt" | "giveUpAt">,
  now: Date,
  timing: SagaTiming,
): ReconcileDecision {
  if (isFinal(order.status)) return { action: "wait" };
  if (now >= order.giveUpAt) return { action: "cancel" };
  if (now < order.deadlineAt) return { action: "wait" };
  const next = Math.min(now.getTime() + timing.deadlineMs, order.giveUpAt.getTime());
  return { action: "re-ask", nextDeadlineAt: new Date(next) };
}
