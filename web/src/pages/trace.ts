/**
 * An order's trace, for admins (`#/admin/orders/:id/trace`): the spans the shop recorded for it, as
 * a waterfall of bars by start and duration, coloured by service, errors marked. The traces come from
 * the shop's Zipkin-compatible API (`/ops/zipkin/api/v2/traces`), found by the order id tag.
 */
import { h, replace } from "../dom.ts";
import { opsGet } from "../ops/ops-fetch.ts";
import { traceQuery } from "../ops/trace-query.ts";
import { type Bar, layoutTraces, serviceHue, TraceFormatError, type Waterfall } from "../ops/waterfall.ts";
import { navigate, type Page } from "../router.ts";
import { currentSession } from "../session.ts";
import { errorBox, formatDate, loading } from "../ui.ts";
import { shortId } from "./order.ts";

/** The trace page. */
export const tracePage: Page = async (main, { params, signal }) => {
  const id = params.id ?? "";
  const session = currentSession();
  if (!session) {
    navigate(`/login?next=${encodeURIComponent(`/admin/orders/${id}/trace`)}`);
    return;
  }
  const body = h("div", {}, loading("Looking up the order's trace…"));
  main.append(
    h("h1", {}, "Trace of order ", h("span", { class: "mono" }, shortId(id))),
    h("p", { class: "crumbs" }, h("a", { href: `#/orders/${encodeURIComponent(id)}` }, "Back to the order")),
    body,
  );
  if (!session.admin) {
    replace(body, h("p", { class: "error", role: "alert" }, "Only an administrator may see this page."));
    return;
  }
  try {
    const traces = layoutTraces(JSON.parse(await opsGet(traceQuery(id), signal)));
    if (traces.length === 0)
      replace(
        body,
        h("p", { class: "muted", "data-testid": "no-trace" }, "No trace recorded for this order."),
      );
    else replace(body, ...traces.map(waterfall));
  } catch (error) {
    if (signal.aborted) return;
    const unreadable = error instanceof TraceFormatError || error instanceof SyntaxError;
    replace(
      body,
      unreadable
        ? h("p", { class: "error", role: "alert" }, `The shop's traces could not be read (${error.message}).`)
        : errorBox(error),
    );
  }
};

function waterfall(trace: Waterfall): HTMLElement {
  const errors = trace.bars.filter((bar) => bar.error !== undefined).length;
  return h(
    "section",
    { class: "panel trace", "data-trace": trace.traceId },
    h(
      "p",
      { class: "trace-head" },
      h("span", { class: "mono small" }, trace.traceId),
      h(
        "span",
        {},
        `${formatDate(new Date(trace.startedAt))} · ${ms(trace.durationMs)} · ${trace.bars.length} spans`,
      ),
      errors > 0 && h("span", { class: "error-text" }, `${errors} with errors`),
    ),
    h(
      "ul",
      { class: "legend" },
      trace.services.map((service) => h("li", {}, swatch(service), service)),
    ),
    h("ol", { class: "waterfall" }, trace.bars.map(row)),
  );
}

function row(bar: Bar): HTMLElement {
  const label = h(
    "span",
    { class: "span-label", title: `${bar.service}: ${bar.name}` },
    h("strong", {}, bar.service),
    ` ${bar.name}`,
    bar.kind && h("span", { class: "muted small" }, ` ${bar.kind.toLowerCase()}`),
    bar.redelivery !== undefined && h("span", { class: "warn-text small" }, ` redelivery ${bar.redelivery}`),
  );

  const fill = h("span", { class: "bar-fill" });
  fill.style.setProperty("--left", `${(bar.left * 100).toFixed(3)}%`);
  fill.style.setProperty("--width", `${(bar.width * 100).toFixed(3)}%`);
  fill.style.setProperty("--hue", String(serviceHue(bar.service)));
  const item = h(
    "li",
    {
      class: bar.error === undefined ? "span-row" : "span-row failed",
      "data-service": bar.service,
      "data-error": bar.error,
    },
    label,
    h("span", { class: "bar-track" }, fill),
    h("span", { class: "span-time small" }, ms(bar.durationMs)),
    bar.error !== undefined && h("span", { class: "span-error error-text small" }, `⚠ ${bar.error}`),
  );
  item.style.setProperty("--depth", String(bar.depth));
  return item;
}

function swatch(service: string): HTMLElement {
  const chip = h("span", { class: "swatch", "aria-hidden": "true" });
  chip.style.setProperty("--swatch", `hsl(${serviceHue(service)} 55% 42%)`);
  return chip;
}

function ms(value: number): string {
  return value < 10
    ? `${value.toFixed(1)} ms`
    : value < 1000
      ? `${Math.round(value)} ms`
      : `${(value / 1000).toFixed(2)} s`;
}
