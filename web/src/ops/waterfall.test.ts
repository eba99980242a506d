import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { layoutTraces, serviceHue, TraceFormatError } from "./waterfall.ts";

// What Zipkin's GET /api/v2/traces answers for one order: its purchase (a payment attempt that failed
// and its redelivery included) and a later reconciler trace, in the order Zipkin happened to send them.
const fixture: unknown = JSON.parse(
  readFileSync(new URL("./fixtures/purchase-traces.json", import.meta.url), "utf8"),
);

describe("layoutTraces", () => {
  const [purchase, reconcile] = layoutTraces(fixture);

  it("orders the traces by start and each trace's spans as a tree, siblings by start", () => {
    expect(purchase!.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(purchase!.startedAt).toBe(1_764_600_000_000);
    expect(purchase!.durationMs).toBe(75);
    expect(purchase!.services).toEqual(["orders", "promotions", "inventory", "payments"]);
    expect(purchase!.bars.map((b) => [b.id.slice(-3), b.depth])).toEqual([
      ["a01", 0],
      ["a02", 1],
      ["a03", 1],
      ["b01", 2],
      ["b02", 3],
      ["b03", 4],
      ["b04", 5],
      // The failed attempt, then its redelivery: two consumer spans under the same producer.
      ["b06", 6],
      ["b05", 6],
      ["b07", 7],
      ["b08", 8],
    ]);
  });

  it("places each bar by start and duration as fractions of the trace, and marks errors", () => {
    const bar = (id: string) => purchase!.bars.find((b) => b.id.endsWith(id))!;
    expect(bar("a01")).toMatchObject({
      startMs: 0,
      durationMs: 12,
      left: 0,
      width: 12 / 75,
      service: "orders",
    });
    expect(bar("b01")).toMatchObject({ startMs: 20, left: 20 / 75, width: 8 / 75, kind: "CONSUMER" });
    expect(bar("b08")).toMatchObject({ left: 70 / 75, width: 5 / 75, error: "deadline exceeded" });
    expect(bar("b06").error).toBe("payment provider unavailable");
    expect(bar("b05").error).toBeUndefined();
    // The same StockReserved event received twice by payments: the later span is its redelivery.
    expect(bar("b06").redelivery).toBeUndefined();
    expect(bar("b05").redelivery).toBe(1);
    expect(purchase!.bars.filter((b) => b.redelivery !== undefined)).toHaveLength(1);
  });

  it("shows a span whose parent was not recorded as a root, and one without timing at its parent's start", () => {
    expect(reconcile!.bars).toMatchObject([
      { name: "reconcile", depth: 0, left: 0, width: 1 },
      { name: "db.transaction", depth: 1, startMs: 0.5, durationMs: 0, width: 0 },
    ]);
    expect(reconcile!.startedAt).toBe(1_764_600_090_000);
  });

  it("answers nothing for no traces, and refuses what is not Zipkin v2 JSON", () => {
    expect(layoutTraces([])).toEqual([]);
    expect(layoutTraces([[]])).toEqual([]);
    expect(() => layoutTraces({ traces: [] })).toThrow(new TraceFormatError("expected a list of traces"));
    expect(() => layoutTraces([{}])).toThrow("trace 1 is not a list of spans");
    expect(() => layoutTraces([[{ id: "a" }]])).toThrow("span 1 of trace 1 has no traceId or id");
    expect(() => layoutTraces([[{ traceId: "t", id: "a", duration: "5" }]])).toThrow(
      "span a: duration is not a number of microseconds",
    );
  });

  it("gives Shop's functions fixed colours, any other service one from its name", () => {
    expect(serviceHue("orders")).not.toBe(serviceHue("payments"));
    expect(serviceHue("webhooks")).toBe(serviceHue("webhooks"));
  });
});
