/**
 * The analytics page, for admins (`#/admin/analytics`): the sales figures of analytics
 * (GetSalesReport) as charts — revenue and orders per day, top products, coupons, cancellation causes —
 * over the last 7, 30 or 90 UTC days, and a button that rebuilds them from the event stream.
 */
import type { GetSalesReportResponse } from "@shop/schemas/analytics/v1/analytics";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMinor } from "../money.ts";
import { type BarSeries, barChart } from "../ops/bars.ts";
import { lineColour } from "../ops/chart.ts";
import { navigate, type Page } from "../router.ts";
import { currentSession } from "../session.ts";
import { errorBox, flash, loading } from "../ui.ts";

const DAY_MS = 86_400_000;
const SPANS = [7, 30, 90];

const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

/** The words of a cancellation cause. */
function causeName(cause: CancellationCause): string {
  const name = CancellationCause[cause] ?? "UNSPECIFIED";
  return name.charAt(0) + name.slice(1).toLowerCase().replaceAll("_", " ");
}

function panel(
  id: string,
  title: string,
  categories: string[],
  series: BarSeries[],
  format?: (v: number) => string,
) {
  const section = h("section", { class: "panel ops-chart", "data-chart": id }, h("h2", {}, title));
  if (categories.length === 0 || series.every((s) => s.values.every((v) => v === 0))) {
    section.append(h("p", { class: "no-data muted" }, "nothing in this range yet"));
    return section;
  }
  section.append(barChart(categories, series, title, format));
  if (series.length > 1) {
    section.append(
      h(
        "ul",
        { class: "legend" },
        series.map((s, i) => {
          const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
          swatch.style.setProperty("--swatch", lineColour(s.label, i));
          return h("li", { "data-line": s.label }, swatch, s.label);
        }),
      ),
    );
  }
  return section;
}

/** The charts of one report. */
function charts(report: GetSalesReportResponse): HTMLElement[] {
  const days = report.days.map((d) => d.day.slice(5));
  const currency = report.days.flatMap((d) => d.revenue).find(Boolean)?.currency ?? "EUR";
  const revenueOf = (d: GetSalesReportResponse["days"][number]) =>
    Number(d.revenue.find((m) => m.currency === currency)?.amountMinor ?? 0n);
  const money = (v: number) => formatMinor(BigInt(Math.round(v)), currency);
  return [
    panel(
      "revenue",
      `Revenue per day (${currency})`,
      days,
      [{ label: "revenue", values: report.days.map(revenueOf) }],
      money,
    ),
    panel("orders", "Orders per day", days, [
      { label: "placed", values: report.days.map((d) => d.ordersPlaced) },
      { label: "confirmed", values: report.days.map((d) => d.ordersConfirmed) },
      { label: "cancelled", values: report.days.map((d) => d.ordersCancelled) },
    ]),
    panel(
      "top-products",
      "Top products (units sold)",
      report.topProducts.map((p) => p.productName || p.productId),
      [{ label: "units", values: report.topProducts.map((p) => Number(p.units)) }],
    ),
    panel(
      "coupons",
      "Coupons (redemptions)",
      report.coupons.map((c) => c.code),
      [{ label: "redemptions", values: report.coupons.map((c) => c.redemptions) }],
    ),
    panel(
      "cancellations",
      "Cancellations by cause",
      report.cancellations.map((c) => causeName(c.cause)),
      [{ label: "cancelled", values: report.cancellations.map((c) => c.count) }],
    ),
  ];
}

/** The analytics page. */
export const analyticsPage: Page = async (main, { query, signal }) => {
  const session = currentSession();
  if (!session) {
    navigate(`/login?next=${encodeURIComponent("/admin/analytics")}`);
    return;
  }
  main.append(h("h1", {}, "Analytics"));
  if (!session.admin) {
    main.append(h("p", { class: "error", role: "alert" }, "Only an administrator may see this page."));
    return;
  }
  const span = SPANS.includes(Number(query.get("days"))) ? Number(query.get("days")) : 30;
  const range = { fromDay: utcDay(Date.now() - (span - 1) * DAY_MS), toDay: utcDay(Date.now()), top: 10 };
  const summary = h("p", { class: "muted small", "data-testid": "analytics-summary" });
  const grid = h("div", { class: "ops-grid" }, loading("Reading the figures…"));
  const rebuild = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: async () => {
        rebuild.toggleAttribute("disabled", true);
        try {
          const { eventsRead, orders } = await api.analytics.replayAnalytics({}, { signal });
          flash(`Rebuilt from ${eventsRead} events: ${orders} orders.`);
          await show();
        } catch (error) {
          replace(grid, errorBox(error));
        } finally {
          rebuild.toggleAttribute("disabled", false);
        }
      },
    },
    "Rebuild from the event stream",
  );
  main.append(
    h(
      "p",
      { class: "spans" },
      // " · " between the spans: links that run together read as one.
      SPANS.flatMap((days, i) => [
        i > 0 && " · ",
        h(
          "a",
          { href: `#/admin/analytics?days=${days}`, ...(days === span ? { "aria-current": "page" } : {}) },
          `${days} days`,
        ),
      ]),
      " ",
      rebuild,
    ),
    summary,
    grid,
  );
  async function show() {
    try {
      const report = await api.analytics.getSalesReport(range, { signal });
      summary.textContent = `${range.fromDay} – ${range.toDay} (UTC) · ${report.ordersPlaced} orders placed, ${report.ordersConverted} confirmed · conversion ${(report.conversion * 100).toFixed(0)} %`;
      replace(grid, ...charts(report));
    } catch (error) {
      if (!signal.aborted) replace(grid, errorBox(error));
    }
  }
  await show();
};
