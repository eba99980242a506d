/**
 * The in-memory trace store: bounded (oldest trace out first), and queried as Zipkin's
 * `GET /api/v2/traces` is: annotationQuery (tag=value, bare key), serviceName, spanName, durations,
 * the time window, latest first, limit.
 */
import { describe, expect, it } from "vitest";
import { createSpanStore } from "./span-store.ts";
import { BadQueryError, parseTraceQuery } from "./trace-query.ts";
import type { ZipkinSpan } from "./zipkin.ts";

const NOW_MS = 1_764_590_400_000;

function span(traceId: string, id: string, fields: Partial<ZipkinSpan> = {}): ZipkinSpan {
  return {
    traceId,
    id,
    name: "work",
    timestamp: NOW_MS * 1000 - 60_000_000,
    duration: 1000,
    localEndpoint: { serviceName: "orders" },
    tags: {},
    ...fields,
  };
}

const query = (text: string) => parseTraceQuery(new URLSearchParams(text), NOW_MS);
const ids = (traces: ZipkinSpan[][]) => traces.map((t) => t[0]!.traceId);

describe("bounds", () => {
  const order = (id: string) => ({ tags: { "shop.order_id": id } });

  it("drops the least recently added trace of its kind past its limit", () => {
    const store = createSpanStore({ maxOrderTraces: 2 });
    store.add([span("a".repeat(32), "1", order("o-a")), span("b".repeat(32), "2", order("o-b"))]);
    store.add([span("a".repeat(32), "3")]); // a grows: b is now the oldest
    store.add([span("c".repeat(32), "4", order("o-c"))]);
    expect(store.trace("b".repeat(32))).toBeUndefined();
    expect(store.trace("a".repeat(32))?.map((s) => s.id)).toEqual(["1", "3"]);
    expect(store.size()).toEqual({ traces: 2, spans: 3 });
  });

  it("keeps orders' traces however many other traces come", () => {
    const store = createSpanStore({ maxOrderTraces: 1, maxOtherTraces: 2 });
    store.add([span("a".repeat(32), "1")]);
    store.add([span("a".repeat(32), "2", order("o-a"))]); // tagged later: it becomes an order's trace
    for (const id of ["b", "c", "d"]) store.add([span(id.repeat(32), id)]);
    expect(store.trace("a".repeat(32))?.map((s) => s.id)).toEqual(["1", "2"]);
    expect(store.trace("b".repeat(32))).toBeUndefined();
    expect(store.size()).toEqual({ traces: 3, spans: 4 });
  });

  it("past maxSpans drops other traces first, then the oldest orders', then a trace's oldest spans", () => {
    const store = createSpanStore({ maxSpans: 3 });
    store.add([span("a".repeat(16), "1", order("o-a")), span("a".repeat(16), "2")]);
    store.add([span("b".repeat(16), "3", order("o-b"))]);
    store.add([span("c".repeat(16), "4")]);
    expect(store.trace("c".repeat(16))).toBeUndefined();
    store.add([span("b".repeat(16), "5")]);
    expect(store.trace("a".repeat(16))).toBeUndefined();
    store.add([span("b".repeat(16), "6"), span("b".repeat(16), "7")]);
    expect(store.trace("b".repeat(16))?.map((s) => s.id)).toEqual(["5", "6", "7"]);
    expect(store.size()).toEqual({ traces: 1, spans: 3 });
  });

  it("keeps, by default, the latest 200 orders' traces and 10,000 spans in all", () => {
    const store = createSpanStore();
    // 300 orders of 50 spans: 15,000 spans offered.
    for (let o = 0; o < 300; o++) {
      const traceId = o.toString(16).padStart(32, "0");
      store.add(
        Array.from({ length: 50 }, (_, i) => span(traceId, `${o}-${i}`, i === 0 ? order(`o-${o}`) : {})),
      );
    }
    expect(store.size()).toEqual({ traces: 200, spans: 10_000 });
    expect(store.trace((299).toString(16).padStart(32, "0"))).toHaveLength(50);
    expect(store.trace((99).toString(16).padStart(32, "0"))).toBeUndefined();
  });

  it("refuses limits that keep nothing", () => {
    expect(() => createSpanStore({ maxOrderTraces: 0 })).toThrow(/above 0/);
  });
});

describe("queries", () => {
  const store = createSpanStore();
  const order1 = "1".repeat(32);
  const order2 = "2".repeat(32);
  const old = "3".repeat(32);
  store.add([
    span(order1, "a1", { name: "PlaceOrder", tags: { "shop.order_id": "o-1" } }),
    span(order1, "a2", {
      parentId: "a1",
      name: "OrderPlaced",
      localEndpoint: { serviceName: "Promotions" },
      duration: 50_000,
      tags: { "cloudevents.event_id": "e-1" },
      annotations: [{ timestamp: 1, value: "redelivered" }],
    }),
    span(order2, "b1", { timestamp: NOW_MS * 1000 - 30_000_000, tags: { "shop.order_id": "o-2" } }),
    span(old, "c1", { timestamp: (NOW_MS - 2 * 86_400_000) * 1000, tags: { "shop.order_id": "o-1" } }),
  ]);

  it("finds an order's trace by its tag, within the last day", () => {
    expect(ids(store.traces(query("annotationQuery=shop.order_id=o-1")))).toEqual([order1]);
    expect(ids(store.traces(query(`annotationQuery=shop.order_id=o-1&lookback=${3 * 86_400_000}`)))).toEqual([
      order1,
      old,
    ]);
  });

  it("needs every term, each met by some span; a bare key matches an annotation or a tag's key", () => {
    expect(ids(store.traces(query("annotationQuery=shop.order_id=o-1 and redelivered")))).toEqual([order1]);
    expect(ids(store.traces(query("annotationQuery=cloudevents.event_id")))).toEqual([order1]);
    expect(store.traces(query("annotationQuery=shop.order_id=o-1 and missing"))).toEqual([]);
  });

  it("restricts the other terms to the spans of serviceName, names in lower case", () => {
    expect(ids(store.traces(query("serviceName=promotions&annotationQuery=cloudevents.event_id")))).toEqual([
      order1,
    ]);
    expect(store.traces(query("serviceName=promotions&annotationQuery=shop.order_id=o-1"))).toEqual([]);
    expect(ids(store.traces(query("spanName=PLACEORDER")))).toEqual([order1]);
    expect(store.trace(order1)?.[1]?.localEndpoint.serviceName).toBe("promotions");
  });

  it("filters by duration and answers latest first, at most limit", () => {
    expect(ids(store.traces(query("minDuration=10000")))).toEqual([order1]);
    expect(store.traces(query("minDuration=10000&maxDuration=20000"))).toEqual([]);
    expect(ids(store.traces(query("")))).toEqual([order2, order1]);
    expect(ids(store.traces(query("limit=1")))).toEqual([order2]);
  });

  it("refuses what Zipkin refuses, saying which parameter", () => {
    expect(() => query("limit=0")).toThrow(BadQueryError);
    expect(() => query("limit=ten")).toThrow(/limit should be a whole number/);
    expect(() => query("maxDuration=5")).toThrow(/only valid with minDuration/);
    expect(() => query("annotationQuery==x")).toThrow(/neither key nor key=value/);
  });
});
