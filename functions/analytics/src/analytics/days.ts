/**
 * The report's range: whole UTC days, given as YYYY-MM-DD.
 */
import { invalidRequest } from "./errors.ts";

const DAY_MS = 86_400_000;
/** The longest range a report covers, in days. */
export const MAX_DAYS = 366;

/** A range of whole UTC days: `from` at the first day's midnight, `until` at the midnight after the last. */
export interface DayRange {
  from: Date;
  until: Date;
  /** Every day of the range, YYYY-MM-DD, in order. */
  days: string[];
}

/** The UTC day of `at`, YYYY-MM-DD. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function parseDay(name: string, value: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const at = match ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!at || Number.isNaN(at.getTime()) || dayOf(at) !== value) {
    throw invalidRequest(`${name} must be a day as YYYY-MM-DD, like 2026-12-01, not "${value}".`);
  }
  return at;
}

/** The days `fromDay`..`toDay` (both included); refuses a day it cannot read and a range backwards or too long. */
export function dayRange(fromDay: string, toDay: string): DayRange {
  const from = parseDay("from_day", fromDay);
  const last = parseDay("to_day", toDay);
  if (last < from) throw invalidRequest(`from_day (${fromDay}) is after to_day (${toDay}).`);
  const count = (last.getTime() - from.getTime()) / DAY_MS + 1;
  if (count > MAX_DAYS) {
    throw invalidRequest(`A report covers at most ${MAX_DAYS} days; ${fromDay}..${toDay} is ${count}.`);
  }
  const days = Array.from({ length: count }, (_, i) => dayOf(new Date(from.getTime() + i * DAY_MS)));
  return { from, until: new Date(last.getTime() + DAY_MS), days };
}
