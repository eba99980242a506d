/**
 * What the shipment verbs need besides their transaction: the clock they stamp and schedule by, and
 * the dev carrier's settings (whether it schedules, and its delays).
 */
import type { DevCarrierConfig } from "../config.ts";

/** The clock and the dev carrier's settings (a part of shipping's deps). */
export interface ShippingClock {
  /** Now (tests replace it, so that no test sleeps). */
  now: () => Date;
  devCarrier: DevCarrierConfig;
}

/** `ms` after `from`, when the dev carrier is on; null (nothing scheduled) when it is off. */
export function dueAfter(clock: ShippingClock, from: Date, ms: number): Date | null {
  return clock.devCarrier.enabled ? new Date(from.getTime() + ms) : null;
}
