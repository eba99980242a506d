/**
 * When a failed delivery is tried again: exponential backoff with jitter, within the retry horizon.
 */
import type { RetrySchedule } from "../config.ts";

/**
 * The pause after failed attempt number `attempts` (1 = the first): `baseMs` doubled per attempt,
 * capped at `maxMs`, then spread by ±20 % (`random` in [0, 1)) so endpoints that failed together are
 * not all retried at the same moment.
 */
export function retryDelay(
  attempts: number,
  schedule: RetrySchedule,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(schedule.baseMs * 2 ** Math.max(0, attempts - 1), schedule.maxMs);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
