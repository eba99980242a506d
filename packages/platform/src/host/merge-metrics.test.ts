import { describe, expect, it } from "vitest";
import { mergeExpositions } from "./merge-metrics.ts";

const orders = `# HELP shop_events_total CloudEvents received
# TYPE shop_events_total counter
shop_events_total{type="a",outcome="ok",function="orders"} 3

# HELP shop_event_handling_seconds Time to handle
# TYPE shop_event_handling_seconds histogram
shop_event_handling_seconds_bucket{le="0.1",type="a",function="orders"} 2
shop_event_handling_seconds_bucket{le="+Inf",type="a",function="orders"} 3
shop_event_handling_seconds_sum{type="a",function="orders"} 0.4
shop_event_handling_seconds_count{type="a",function="orders"} 3
`;
const payments = `# HELP shop_events_total CloudEvents received
# TYPE shop_events_total counter
shop_events_total{type="b",outcome="ok",function="payments"} 1
# HELP shop_outbox_backlog Rows not yet published
# TYPE shop_outbox_backlog gauge
shop_outbox_backlog{function="payments"} 0
`;

describe("mergeExpositions", () => {
  it("declares each family once, with the samples of every function under it", () => {
    expect(mergeExpositions([orders, payments]).split("\n")).toEqual([
      "# HELP shop_events_total CloudEvents received",
      "# TYPE shop_events_total counter",
      'shop_events_total{type="a",outcome="ok",function="orders"} 3',
      'shop_events_total{type="b",outcome="ok",function="payments"} 1',
      "# HELP shop_event_handling_seconds Time to handle",
      "# TYPE shop_event_handling_seconds histogram",
      'shop_event_handling_seconds_bucket{le="0.1",type="a",function="orders"} 2',
      'shop_event_handling_seconds_bucket{le="+Inf",type="a",function="orders"} 3',
      'shop_event_handling_seconds_sum{type="a",function="orders"} 0.4',
      'shop_event_handling_seconds_count{type="a",function="orders"} 3',
      "# HELP shop_outbox_backlog Rows not yet published",
      "# TYPE shop_outbox_backlog gauge",
      'shop_outbox_backlog{function="payments"} 0',
      "",
    ]);
  });

  it("keeps undeclared samples as families of their own, and drops other comments", () => {
    expect(mergeExpositions(["# a note\nloose 1\n", "loose 2"])).toBe("loose 1\nloose 2\n");
    expect(mergeExpositions([])).toBe("");
  });
});
