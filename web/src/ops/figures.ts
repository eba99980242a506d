/**
 * What the operations page plots: the saga's health figures, each computed from the history of
 * /ops/metrics readings. A figure whose metric family the shop does not declare has no data (a shop
 * without that metric yet), which is not the same as a figure at zero.
 */
import type { Sample } from "./prom-text.ts";
import { gauge, type Line, quantile, type Reading, rate, ratio, sumBy } from "./series.ts";

/** How a figure's values read. */
export type Unit = "per second" | "seconds" | "count" | "ratio";

/** One chart of the page. */
export interface Figure {
  id: string;
  title: string;
  unit: Unit;
  /** undefined: no data (the family is not declared by the latest reading). */
  lines: Line[] | undefined;
  /** Counts since the shop started, by kind ("3 confirmed, 1 cancelled"), when the figure has them. */
  totals?: string;
}

interface Spec {
  id: string;
  title: string;
  unit: Unit;
  family: string;
  lines: (history: readonly Reading[]) => Line[];
  /** The label a counter's totals are told by. */
  totalsBy?: string;
}

/** How far back the saga's quantiles look, as a `rate(…[30s])` would. */
export const QUANTILE_WINDOW_MS = 30_000;

// Connect's success code; the other codes are errors. (Numeric 0 if a series records codes as numbers.)
const failed = (labels: Record<string, string>) => !/^(ok|0)$/i.test(labels.code ?? "ok");

const SPECS: Spec[] = [
  {
    id: "orders",
    title: "Orders per second",
    unit: "per second",
    family: "shop_orders_final_total",
    lines: (h) => rate(h, "shop_orders_final_total", "state"),
    totalsBy: "state",
  },
  {
    id: "saga",
    title: "Saga duration",
    unit: "seconds",
    family: "shop_saga_duration_seconds",
    lines: (h) => [
      quantile(h, "shop_saga_duration_seconds", 0.5, QUANTILE_WINDOW_MS, "p50"),
      quantile(h, "shop_saga_duration_seconds", 0.99, QUANTILE_WINDOW_MS, "p99"),
    ],
  },
  {
    id: "stuck",
    title: "Stuck orders (overdue)",
    unit: "count",
    family: "shop_orders_overdue",
    lines: (h) => [gauge(h, "shop_orders_overdue", "sum", "overdue")],
  },
  {
    id: "dead-letters",
    title: "Dead letters",
    unit: "count",
    family: "shop_dead_letters_total",
    lines: (h) => [gauge(h, "shop_dead_letters_total", "sum", "dead letters")],
    totalsBy: "reason",
  },
  {
    id: "outbox",
    title: "Outbox age (oldest row)",
    unit: "seconds",
    family: "shop_outbox_oldest_age_seconds",
    lines: (h) => [gauge(h, "shop_outbox_oldest_age_seconds", "max", "oldest")],
  },
  {
    id: "rpc-errors",
    title: "RPC error ratio",
    unit: "ratio",
    family: "shop_rpc_requests_total",
    lines: (h) => [ratio(h, "shop_rpc_requests_total", failed, "errors")],
  },
  {
    id: "events",
    title: "Events handled per second",
    unit: "per second",
    family: "shop_events_total",
    lines: (h) => rate(h, "shop_events_total", "outcome"),
    totalsBy: "outcome",
  },
];

/** The metric family each figure is drawn from, by figure id. */
export const FIGURE_FAMILIES: Record<string, string> = Object.fromEntries(SPECS.map((s) => [s.id, s.family]));

/** Every figure of the page, from the readings so far (oldest first). */
export function figures(history: readonly Reading[]): Figure[] {
  const latest = history.at(-1)?.exposition;
  return SPECS.map(({ id, title, unit, family, lines, totalsBy }) => {
    const known = latest?.types.has(family) ?? false;
    const figure: Figure = { id, title, unit, lines: known ? lines(history) : undefined };
    if (known && latest && totalsBy) figure.totals = totals(latest.samples, family, totalsBy);
    return figure;
  });
}

/** "3 confirmed, 1 cancelled" (largest first), "none yet" when nothing was counted. */
function totals(samples: readonly Sample[], family: string, label: string): string {
  const sums = [...sumBy(samples, family, label)].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return sums.length ? sums.map(([key, n]) => `${n} ${key || "other"}`).join(", ") : "none yet";
}
