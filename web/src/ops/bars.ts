/**
 * A small SVG bar chart (grouped bars over named categories: days, products, coupons), beside the line
 * chart of chart.ts and with its scale: the analytics page plots per-day and per-name figures, which
 * are bars, not lines over time.
 */
import { lineColour, scaleTop } from "./chart.ts";

const NS = "http://www.w3.org/2000/svg";
const WIDTH = 320;
const HEIGHT = 140;
const LEFT = 44;
const TOP = 8;
const BOTTOM = 30;

/** One series of bars: a value per category, in the categories' order. */
export interface BarSeries {
  label: string;
  values: number[];
}

/** Where one bar goes, in the chart's own coordinates. */
export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  series: number;
  category: number;
  value: number;
}

/** The bars of `series` over `categories`, side by side within each category, on one scale from zero. */
export function barLayout(categories: readonly string[], series: readonly BarSeries[]) {
  const top = scaleTop(series.flatMap((s) => s.values));
  const slot = (WIDTH - LEFT - 4) / Math.max(categories.length, 1);
  const width = (slot * 0.8) / Math.max(series.length, 1);
  const plot = HEIGHT - TOP - BOTTOM;
  const bars: Bar[] = series.flatMap((s, si) =>
    categories.map((_, ci) => {
      const value = s.values[ci] ?? 0;
      const height = (plot * Math.min(Math.max(value, 0), top)) / top;
      return {
        x: LEFT + ci * slot + slot * 0.1 + si * width,
        y: TOP + plot - height,
        width,
        height,
        series: si,
        category: ci,
        value,
      };
    }),
  );
  return { top, slot, bars, y: (v: number) => TOP + plot * (1 - v / top) };
}

/** A short label of a category that fits under its bars. */
export function shortLabel(label: string, slot: number): string {
  const fits = Math.max(Math.floor(slot / 5.5), 2);
  return label.length <= fits ? label : `${label.slice(0, fits - 1)}…`;
}

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The chart of `series` over `categories`; `format` writes a value (ticks and each bar's tooltip). */
export function barChart(
  categories: readonly string[],
  series: readonly BarSeries[],
  title: string,
  format: (value: number) => string = String,
): SVGElement {
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "chart bars" });
  chart.append(svg("title", {}, title));
  const { top, slot, bars, y } = barLayout(categories, series);
  for (const level of [0, top / 2, top]) {
    chart.append(svg("line", { x1: LEFT, x2: WIDTH - 4, y1: y(level), y2: y(level), class: "grid" }));
    chart.append(
      svg("text", { x: LEFT - 4, y: y(level) + 4, class: "tick", "text-anchor": "end" }, format(level)),
    );
  }
  // Every label when they fit, else every few, so they never overlap.
  const every = Math.max(1, Math.ceil(categories.length / Math.floor((WIDTH - LEFT) / 34)));
  categories.forEach((label, ci) => {
    if (ci % every !== 0) return;
    const x = LEFT + ci * slot + slot / 2;
    chart.append(
      svg(
        "text",
        { x, y: HEIGHT - BOTTOM + 12, class: "tick", "text-anchor": "middle" },
        shortLabel(label, slot * every),
      ),
    );
  });
  for (const bar of bars) {
    const rect = svg("rect", {
      x: bar.x.toFixed(1),
      y: bar.y.toFixed(1),
      width: bar.width.toFixed(1),
      height: bar.height.toFixed(1),
      fill: lineColour(series[bar.series]!.label, bar.series),
      "data-series": series[bar.series]!.label,
      "data-category": categories[bar.category]!,
      "data-value": bar.value,
    });
    rect.append(
      svg("title", {}, `${categories[bar.category]} · ${series[bar.series]!.label}: ${format(bar.value)}`),
    );
    chart.append(rect);
  }
  return chart;
}
