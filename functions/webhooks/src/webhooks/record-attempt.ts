/**
 * Recording what an attempt came to: 2xx delivers; 410 Gone disables the endpoint at once; any other
 * failure is retried with backoff until the delivery's horizon, and past it the delivery fails and
 * its endpoint is disabled.
 */
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import type { RetrySchedule } from "../config.ts";
import { deliveries, type StoredDelivery } from "../db/schema.ts";
import { disableEndpoint } from "./disable-endpoint.ts";
import { retryDelay } from "./schedule.ts";
import type { Attempt } from "./send.ts";

/** What became of an attempt, for the report. */
export interface AttemptOutcome {
  deliveryId: string;
  endpointId: string;
  result: "delivered" | "retry" | "failed";
  /** Set when this attempt disabled the endpoint. */
  disabled?: string;
  status?: number;
  detail: string;
}

/** Records `attempt` of `delivery`, made at `now`. */
export async function recordAttempt(
  tx: Tx,
  { delivery, attempt, now }: { delivery: StoredDelivery; attempt: Attempt; now: Date },
  schedule: RetrySchedule,
  random: () => number = Math.random,
): Promise<AttemptOutcome> {
  const attempts = delivery.attempts + 1;
  const base = {
    attempts,
    lastStatusCode: attempt.status ?? null,
    lastAttemptAt: now,
  };
  const outcome = {
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
    status: attempt.status,
    detail: attempt.detail,
  };
  if (attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300) {
    await tx.db
      .update(deliveries)
      .set({ ...base, status: "delivered", lastError: null, nextAttemptAt: null, deliveredAt: now })
      .where(eq(deliveries.id, delivery.id));
    return { ...outcome, result: "delivered" };
  }
  const next = new Date(now.getTime() + retryDelay(attempts, schedule, random));
  const gone = attempt.status === 410;
  if (!gone && !attempt.permanent && next <= delivery.giveUpAt) {
    await tx.db
      .update(deliveries)
      .set({ ...base, status: "pending", lastError: attempt.detail, nextAttemptAt: next })
      .where(eq(deliveries.id, delivery.id));
    return { ...outcome, result: "retry" };
  }
  await tx.db
    .update(deliveries)
    .set({ ...base, status: "failed", lastError: attempt.detail, nextAttemptAt: null })
    .where(eq(deliveries.id, delivery.id));
  if (attempt.permanent) return { ...outcome, result: "failed" };
  const reason = gone
    ? "the endpoint answered 410 Gone: it asked for no more deliveries"
    : `delivery ${delivery.id} still failed after ${attempts} attempts over ${Math.round((now.getTime() - delivery.createdAt.getTime()) / 1000)} s (last: ${attempt.detail})`;
  const disabled = await disableEndpoint(tx, {
    endpointId: delivery.endpointId,
    reason,
    deliveryId: delivery.id,
    lastStatusCode: attempt.status ?? 0,
    now,
  });
  return { ...outcome, result: "failed", ...(disabled ? { disabled: reason } : {}) };
}
