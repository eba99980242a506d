/**
 * The saga's deadlines: when an open order is asked for again, and when it is given up. Stated in one
 * place, as the SQL conditions the reconciler's set-based statements run with.
 */
import { and, gt, lte, type SQL, sql } from "drizzle-orm";
import { isOpen, orders } from "../db/schema.ts";

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
 * What the reconciler does with an open order at `now`, as the conditions of its two statements:
 * past its final deadline it is cancelled (before anything else), past its deadline only it is asked
 * again and its next deadline set one period on (never past the final one); before, nothing. Each
 * condition also says `deadline_at <= now`, which `give_up_at <= now` implies (the first deadline is
 * never after the final one): that is what the partial index `orders_open_deadline` can find.
 */
export function pastGiveUp(now: Date): SQL | undefined {
  return and(isOpen(orders.status), lte(orders.deadlineAt, now), lte(orders.giveUpAt, now));
}

/** Open orders past their deadline and not yet past their final one: those to ask again. */
export function pastDeadline(now: Date): SQL | undefined {
  return and(isOpen(orders.status), lte(orders.deadlineAt, now), gt(orders.giveUpAt, now));
}

/** The deadline a re-ask at `now` sets: one period on, never past the order's final deadline. */
export function nextDeadline(now: Date, { deadlineMs }: SagaTiming): SQL {
  const next = new Date(now.getTime() + deadlineMs).toISOString();
  // An ISO string, cast: postgres.js binds no Date in raw SQL.
  return sql`least(${next}::timestamptz, ${orders.giveUpAt})`;
}
