import { describe, expect, it } from "vitest";
import { figures } from "./figures.ts";
import { parsePromText } from "./prom-text.ts";
import type { Reading } from "./series.ts";

const reading = (at: number, text: string): Reading => ({ at, exposition: parsePromText(text) });

// Today's shop: events and outbox counters only; none of the saga's families yet.
const before = [
  reading(
    0,
    '# TYPE shop_events_total counter\nshop_events_total{type="a",outcome="ok",function="orders"} 4',
  ),
  reading(
    2_000,
    '# TYPE shop_events_total counter\nshop_events_total{type="a",outcome="ok",function="orders"} 10',
  ),
];

const saga = (at: number, confirmed: number, fast: number, all: number, rpc: [number, number]) =>
  reading(
    at,
    `# TYPE shop_orders_final_total counter
shop_orders_final_total{state="confirmed",reason="",function="orders"} ${confirmed}
shop_orders_final_total{state="cancelled",reason="payment",function="orders"} 1
# TYPE shop_saga_duration_seconds histogram
shop_saga_duration_seconds_bucket{state="confirmed",le="0.5",function="orders"} ${fast}
shop_saga_duration_seconds_bucket{state="confirmed",le="1",function="orders"} ${all}
shop_saga_duration_seconds_bucket{state="confirmed",le="+Inf",function="orders"} ${all}
# TYPE shop_orders_overdue gauge
shop_orders_overdue{function="orders"} 2
# TYPE shop_dead_letters_total counter
# TYPE shop_outbox_oldest_age_seconds gauge
shop_outbox_oldest_age_seconds{function="orders"} 0.5
shop_outbox_oldest_age_seconds{function="payments"} 3
# TYPE shop_rpc_requests_total counter
shop_rpc_requests_total{service="s",method="m",code="ok",function="orders"} ${rpc[0]}
shop_rpc_requests_total{service="s",method="m",code="not_found",function="orders"} ${rpc[1]}
`,
  );

const byId = (history: Reading[]) => Object.fromEntries(figures(history).map((f) => [f.id, f.lines]));

describe("figures", () => {
  it("has no data for the families the shop does not declare, and plots those it does", () => {
    const lines = byId(before);
    expect(lines.orders).toBeUndefined();
    expect(lines.saga).toBeUndefined();
    expect(lines["rpc-errors"]).toBeUndefined();
    expect(lines.events).toEqual([{ label: "ok", values: [null, 3] }]);
    expect(figures(before).find((f) => f.id === "events")?.totals).toBe("10 ok");
  });

  it("computes rates, window quantiles, gauges, the worst outbox and the error ratio", () => {
    const history = [
      saga(0, 10, 4, 10, [90, 10]),
      saga(5_000, 20, 14, 20, [100, 30]),
      saga(40_000, 20, 14, 20, [100, 30]),
    ];
    const lines = byId(history);
    expect(lines.orders).toEqual([
      { label: "cancelled", values: [null, 0, 0] },
      { label: "confirmed", values: [null, 2, 0] },
    ]);
    // First reading: all 10 sagas since start (4 within 0.5 s); then the 10 of the last 30 s, all fast;
    // at 40 s the window starts at the reading at 5 s: nothing new since, so nothing to tell.
    expect(lines.saga).toEqual([
      { label: "p50", values: [0.5 + 0.5 * (1 / 6), 0.25, null] },
      { label: "p99", values: [0.5 + 0.5 * ((9.9 - 4) / 6), 0.495, null] },
    ]);
    expect(lines.stuck).toEqual([{ label: "overdue", values: [2, 2, 2] }]);
    // Declared with no sample yet: zero, not "no data".
    expect(lines["dead-letters"]).toEqual([{ label: "dead letters", values: [0, 0, 0] }]);
    expect(lines.outbox).toEqual([{ label: "oldest", values: [3, 3, 3] }]);
    // 30 calls between the first two readings, 20 of them errors; none after.
    expect(lines["rpc-errors"]).toEqual([{ label: "errors", values: [null, 20 / 30, null] }]);
    const totals = Object.fromEntries(figures(history).map((f) => [f.id, f.totals]));
    expect(totals).toMatchObject({ orders: "20 confirmed, 1 cancelled", "dead-letters": "none yet" });
  });

  it("counts a counter that went down (a restarted function) from zero", () => {
    const lines = byId([saga(0, 10, 0, 0, [0, 0]), saga(1_000, 3, 0, 0, [0, 0])]);
    expect(lines.orders?.find((l) => l.label === "confirmed")?.values).toEqual([null, 3]);
  });
});
