/**
 * When a transient dead letter is redriven: after growing delays, until its horizon.
 */
import type { RedriveSchedule } from "../config.ts";

/** The pause before the redrive that follows `attempts` redrives (0: the first), in ms; the last delay repeats. */
export function delayAfter(attempts: number, schedule: Pick<RedriveSchedule, "delaysMs">): number {
  const { delaysMs } = schedule;
  return delaysMs[Math.min(attempts, delaysMs.length - 1)]!;
}

/** When a dead letter received at `receivedAt` is redriven first, and after when it is not redriven any more. */
export function firstRedrive(
  receivedAt: Date,
  schedule: RedriveSchedule,
): { nextAttemptAt: Date; giveUpAt: Date } {
  return {
    nextAttemptAt: new Date(receivedAt.getTime() + delayAfter(0, schedule)),
    giveUpAt: new Date(receivedAt.getTime() + schedule.horizonMs),
  };
}

/**
 * When to redrive again after redrive number `attempts` failed at `now`; undefined when that would be
 * past `giveUpAt`: the letter is exhausted.
 */
export function nextRedrive(
  now: Date,
  attempts: number,
  giveUpAt: Date,
  schedule: RedriveSchedule,
): Date | undefined {
  const next = new Date(now.getTime() + delayAfter(attempts, schedule));
  return next.getTime() > giveUpAt.getTime() ? undefined : next;
}
