/**
 * Time series from successive scrapes of /ops/metrics, as PromQL would compute them over the page's
 * short history: sums and maxima of gauges, per-second rates of counters, ratios, histogram quantiles.
 * Each function answers one value per reading (null: not known at that reading).
 */
import type { Exposition, Sample } from "./prom-text.ts";
import { bucketIncrease, quantileFromBuckets, sumBuckets } from "./quantile.ts";

/** One scrape: when (epoch ms) and what it read. */
export interface Reading {
  at: number;
  exposition: Exposition;
}

/** A plotted line: a label and one value per reading. */
export interface Line {
  label: string;
  values: (number | null)[];
}

type Filter = (labels: Record<string, string>) => boolean;

/** Sum of the samples named `name` (that pass `where`), by the value of `label` ("" without one). */
export function sumBy(samples: readonly Sample[], name: string, label?: string, where?: Filter) {
  const sums = new Map<string, number>();
  for (const sample of samples) {
    if (sample.name !== name || (where && !where(sample.labels))) continue;
    const key = label ? (sample.labels[label] ?? "") : "";
    sums.set(key, (sums.get(key) ?? 0) + sample.value);
  }
  return sums;
}

/** A gauge over every function: `sum` (a count spread over functions) or `max` (the worst one). */
export function gauge(history: readonly Reading[], name: string, how: "sum" | "max", label: string): Line {
  return {
    label,
    values: history.map(({ exposition }) => {
      const values = exposition.samples.filter((s) => s.name === name).map((s) => s.value);
      if (values.length === 0) return exposition.types.has(name) ? 0 : null;
      return how === "sum" ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
    }),
  };
}

// The increase of a counter between readings; one that went down was reset, counting from zero.
const increase = (now: number, before: number) => (now >= before ? now - before : now);

/** Per-second rate of the counter `name` between consecutive readings, one line per `label` value. */
export function rate(history: readonly Reading[], name: string, label?: string): Line[] {
  const sums = history.map(({ exposition }) => sumBy(exposition.samples, name, label));
  const keys = [...new Set(sums.flatMap((sum) => [...sum.keys()]))].sort();
  return keys.map((key) => ({
    label: key || name,
    values: history.map((reading, i) => {
      const previous = history[i - 1];
      if (!previous) return null;
      const seconds = (reading.at - previous.at) / 1000;
      return seconds > 0 ? increase(sums[i]!.get(key) ?? 0, sums[i - 1]!.get(key) ?? 0) / seconds : null;
    }),
  }));
}

/** The share of the counter `name`'s increase that passes `failed`, between consecutive readings. */
export function ratio(history: readonly Reading[], name: string, failed: Filter, label: string): Line {
  const totals = history.map(({ exposition }) => ({
    all: sumBy(exposition.samples, name).get("") ?? 0,
    bad: sumBy(exposition.samples, name, undefined, failed).get("") ?? 0,
  }));
  return {
    label,
    values: totals.map((now, i) => {
      const before = totals[i - 1];
      if (!before) return null;
      const all = increase(now.all, before.all);
      return all > 0 ? increase(now.bad, before.bad) / all : null;
    }),
  };
}

/**
 * The `q` quantile of the histogram `family` over the last `windowMs` before each reading (all its
 * series together). The first reading, with nothing before it, counts everything since start.
 */
export function quantile(
  history: readonly Reading[],
  family: string,
  q: number,
  windowMs: number,
  label: string,
): Line {
  const buckets = history.map(({ exposition }) => sumBuckets(exposition.samples, family));
  return {
    label,
    values: buckets.map((_, i) => {
      const start = windowStart(history, i, windowMs);
      const observed = start < 0 ? buckets[i]! : bucketIncrease(buckets[i]!, buckets[start]!);
      return quantileFromBuckets(q, observed) ?? null;
    }),
  };
}

/**
 * The reading a window of `windowMs` ending at reading `i` starts from: the newest one at least that
 * old, else the oldest one there is (a history shorter than the window); -1 for the first reading.
 */
function windowStart(history: readonly Reading[], i: number, windowMs: number): number {
  let start = i > 0 ? 0 : -1;
  for (let j = 0; j < i; j++) if (history[j]!.at <= history[i]!.at - windowMs) start = j;
  return start;
}
