/**
 * The operations page, for admins (`#/admin/operations`): the saga's health as live charts. It reads
 * the shop's `/ops/metrics` every few seconds, keeps the last few minutes of readings in memory (the
 * page is a window on now, not a store) and plots the figures of ops/figures.ts.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { append, h, replace } from "../dom.ts";
import { formatValue, lineChart, lineColour } from "../ops/chart.ts";
import { type Figure, figures } from "../ops/figures.ts";
import { opsGet } from "../ops/ops-fetch.ts";
import { PromTextError, parsePromText } from "../ops/prom-text.ts";
import type { Reading } from "../ops/series.ts";
import { navigate, type Page } from "../router.ts";
import { currentSession } from "../session.ts";
import { errorBox, pause } from "../ui.ts";

const POLL_MS = 3_000;
/** Three minutes of readings. */
const KEEP = 60;

/** The operations page. */
export const operationsPage: Page = async (main, { signal }) => {
  const session = currentSession();
  if (!session) {
    navigate(`/login?next=${encodeURIComponent("/admin/operations")}`);
    return;
  }
  main.append(h("h1", {}, "Operations"));
  if (!session.admin) {
    main.append(h("p", { class: "error", role: "alert" }, "Only an administrator may see this page."));
    return;
  }
  const updated = h(
    "p",
    { class: "muted small", "data-testid": "ops-updated" },
    "Reading the shop's metrics…",
  );
  const problem = h("div");
  const grid = h("div", { class: "ops-grid" });
  main.append(updated, problem, grid);
  const history: Reading[] = [];
  while (!signal.aborted) {
    try {
      const text = await opsGet("/ops/metrics", signal);
      history.push({ at: Date.now(), exposition: parsePromText(text) });
      if (history.length > KEEP) history.shift();
      problem.replaceChildren();
      const times = history.map((reading) => reading.at);
      replace(grid, ...figures(history).map((figure) => panel(figure, times)));
      updated.textContent = `Live: read every ${POLL_MS / 1000} s, the last ${history.length} readings kept · updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      if (signal.aborted) return;
      replace(problem, problemBox(error));
      const code = ConnectError.from(error).code;
      if (code === Code.PermissionDenied || code === Code.Unauthenticated) return;
    }
    await pause(POLL_MS, signal);
  }
};

function problemBox(error: unknown): HTMLElement {
  if (!(error instanceof PromTextError)) return errorBox(error);
  return h(
    "p",
    { class: "error", role: "alert" },
    `The shop's metrics could not be read (${error.message}).`,
  );
}

function panel(figure: Figure, times: number[]): HTMLElement {
  const { id, title, unit, lines } = figure;
  const section = h(
    "section",
    { class: "panel ops-chart", "data-chart": id, "data-state": lines ? "data" : "no-data" },
    h("h2", {}, title),
  );
  if (!lines) {
    section.append(h("p", { class: "no-data muted" }, "no data"));
    return section;
  }
  append(section, [
    lineChart(lines, times, unit, title),
    h(
      "ul",
      { class: "legend" },
      lines.length === 0 && h("li", { class: "muted" }, "nothing counted yet"),
      lines.map((line, i) => {
        const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
        swatch.style.setProperty("--swatch", lineColour(line.label, i));
        const latest = line.values.at(-1);
        return h(
          "li",
          { "data-line": line.label },
          swatch,
          `${line.label} `,
          h("strong", { class: "value" }, formatValue(latest, unit)),
        );
      }),
    ),
    figure.totals &&
      h(
        "p",
        { class: "muted small totals-line", "data-testid": `${id}-totals` },
        `Since start: ${figure.totals}`,
      ),
  ]);
  return section;
}
