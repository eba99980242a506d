/**
 * A small SVG line chart, drawn here rather than by a chart library: the page needs lines over a
 * few minutes, an axis and a scale, which is a few dozen lines, and no dependency ships to customers.
 */
import type { Unit } from "./figures.ts";
import type { Line } from "./series.ts";

const NS = "http://www.w3.org/2000/svg";
const WIDTH = 320;
const HEIGHT = 120;
const LEFT = 44;
const TOP = 8;
const BOTTOM = 18;
const PALETTE = ["#1f6f5c", "#3b5bdb", "#8a5a00", "#7b2cbf", "#5f6b66"];
const TONES: Record<string, string> = { confirmed: "#1e7a3c", cancelled: "#b3261e", p99: "#b3261e" };

/** The colour of line `index` labelled `label`: states and p99 keep theirs on every chart. */
export function lineColour(label: string, index: number): string {
  return TONES[label] ?? PALETTE[index % PALETTE.length]!;
}

/** A value as a person reads it in `unit` ("3.2/s", "850 ms", "12 %"). */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (unit === "ratio") return `${(value * 100).toFixed(value < 0.1 && value > 0 ? 1 : 0)} %`;
  if (unit === "seconds") return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(1)} s`;
  if (unit === "per second") return `${value < 10 ? value.toFixed(1) : Math.round(value)}/s`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** The top of the scale: 1, 2 or 5 times a power of ten, at least the largest value. */
export function scaleTop(values: readonly (number | null)[]): number {
  const largest = Math.max(0, ...values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (largest === 0) return 1;
  const power = 10 ** Math.floor(Math.log10(largest));
  return [1, 2, 5, 10].map((m) => m * power).find((top) => top >= largest) ?? largest;
}

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The chart of `lines` over readings taken at `times` (epoch ms), scaled for `unit`. */
export function lineChart(lines: readonly Line[], times: readonly number[], unit: Unit, title: string) {
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "chart" });
  chart.append(svg("title", {}, title));
  const top = scaleTop(lines.flatMap((line) => line.values));
  const first = times[0] ?? 0;
  const span = Math.max((times.at(-1) ?? 0) - first, 1);
  const x = (i: number) => LEFT + ((WIDTH - LEFT - 4) * ((times[i] ?? first) - first)) / span;
  const y = (v: number) => TOP + (HEIGHT - TOP - BOTTOM) * (1 - Math.min(v, top) / top);
  for (const level of [0, top / 2, top]) {
    chart.append(svg("line", { x1: LEFT, x2: WIDTH - 4, y1: y(level), y2: y(level), class: "grid" }));
    chart.append(
      svg(
        "text",
        { x: LEFT - 4, y: y(level) + 4, class: "tick", "text-anchor": "end" },
        formatValue(level, unit),
      ),
    );
  }
  const seconds = Math.round(span / 1000);
  chart.append(svg("text", { x: LEFT, y: HEIGHT - 4, class: "tick" }, seconds > 1 ? `−${seconds} s` : ""));
  chart.append(svg("text", { x: WIDTH - 4, y: HEIGHT - 4, class: "tick", "text-anchor": "end" }, "now"));
  lines.forEach((line, index) => {
    // A null (not known at that reading) breaks the line, as a gap in Prometheus' graph does.
    const runs: string[][] = [[]];
    line.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) runs.push([]);
      else runs.at(-1)!.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    });
    const stroke = lineColour(line.label, index);
    for (const points of runs.filter((run) => run.length > 0)) {
      const shape = points.length === 1 ? "circle" : "polyline";
      const [cx, cy] = points[0]!.split(",");
      chart.append(
        shape === "circle"
          ? svg("circle", { cx: cx!, cy: cy!, r: 2.5, fill: stroke, "data-line": line.label })
          : svg("polyline", { points: points.join(" "), stroke, class: "series", "data-line": line.label }),
      );
    }
  });
  return chart;
}
