/**
 * The embedded shop's trace store: the most recent traces in memory, in Zipkin's v2 shape, bounded by
 * a number of traces (orders' apart from the rest) and of spans, the oldest trace going first; queried
 * as Zipkin's API queries.
 */
import { ORDER_ID } from "@shop/runtime";
import { matchesQuery, type TraceQuery, traceStart } from "./trace-query.ts";
import type { ZipkinSpan, ZipkinTrace } from "./zipkin.ts";

/** Limits of a {@link SpanStore}. */
export interface SpanStoreOptions {
  /** Traces of orders kept (default 200): those with a span tagged `shop.order_id`. */
  maxOrderTraces?: number;
  /** Other traces kept (default 100): catalog reads, ticks; they never push an order's trace out. */
  maxOtherTraces?: number;
  /**
   * Spans kept over all traces (default {@link DEFAULT_MAX_SPANS}): past it other traces go first, then
   * the oldest orders'.
   */
  maxSpans?: number;
}

/**
 * Spans a store keeps by default: an order's trace has some 70 spans across a dozen functions, so
 * about the latest 140 orders. A span takes a few KiB of heap (its tags), and at 50,000 the embedded
 * shop's store held some 200 MiB after five minutes of load.
 */
export const DEFAULT_MAX_SPANS = 10_000;

/** What a store holds: its traces, as Zipkin's read API answers them. */
export interface SpanStore {
  /** Adds finished spans; a trace that grows becomes the most recent. */
  add(spans: readonly ZipkinSpan[]): void;
  /** The spans of one trace (id in lower-case hex), or undefined when it is not (or no longer) kept. */
  trace(traceId: string): ZipkinTrace | undefined;
  /** The traces matching `query`, latest first, at most `query.limit`. */
  traces(query: TraceQuery): ZipkinTrace[];
  /** The service names seen, sorted. */
  services(): string[];
  /** How much it holds. */
  size(): { traces: number; spans: number };
}

/** Creates an empty store. */
export function createSpanStore({
  maxOrderTraces = 200,
  maxOtherTraces = 100,
  maxSpans = DEFAULT_MAX_SPANS,
}: SpanStoreOptions = {}): SpanStore {
  if (!(maxOrderTraces > 0 && maxOtherTraces > 0 && maxSpans > 0)) {
    throw new Error("a span store needs maxOrderTraces, maxOtherTraces and maxSpans above 0");
  }
  // Two pools, so that browsing (a trace per catalog read) cannot push out the orders' traces. In
  // each, insertion order is recency: a trace that grows moves to the end, eviction takes the front.
  const orders = new Map<string, ZipkinSpan[]>();
  const others = new Map<string, ZipkinSpan[]>();
  const services = new Set<string>();
  let spanCount = 0;

  const drop = (pool: Map<string, ZipkinSpan[]>) => {
    const [id, trace] = pool.entries().next().value as [string, ZipkinSpan[]];
    pool.delete(id);
    spanCount -= trace.length;
  };
  function evict() {
    while (others.size > maxOtherTraces) drop(others);
    while (orders.size > maxOrderTraces) drop(orders);
    while (spanCount > maxSpans) {
      if (others.size) drop(others);
      else if (orders.size > 1) drop(orders);
      else {
        // One trace larger than the whole store: it keeps its latest spans.
        const [trace] = orders.values();
        spanCount -= trace!.splice(0, spanCount - maxSpans).length;
      }
    }
  }
  function put(span: ZipkinSpan) {
    const id = span.traceId;
    const ofOrder = orders.has(id) || span.tags[ORDER_ID] !== undefined;
    const trace = orders.get(id) ?? others.get(id) ?? [];
    orders.delete(id);
    others.delete(id);
    trace.push(span);
    (ofOrder ? orders : others).set(id, trace);
    spanCount += 1;
    if (span.localEndpoint.serviceName) services.add(span.localEndpoint.serviceName);
  }
  const all = () => [...orders.values(), ...others.values()];

  return {
    add(spans) {
      for (const span of spans) put(normalize(span));
      evict();
    },
    trace: (traceId) => (orders.get(traceId.toLowerCase()) ?? others.get(traceId.toLowerCase()))?.slice(),
    traces(query) {
      const found = all().filter((trace) => matchesQuery(trace, query));
      return found
        .sort((a, b) => traceStart(b) - traceStart(a))
        .slice(0, query.limit)
        .map((trace) => trace.slice());
    },
    services: () => [...services].sort(),
    size: () => ({ traces: orders.size + others.size, spans: spanCount }),
  };
}

/** As Zipkin stores a span: ids, span and service names in lower case. */
function normalize(span: ZipkinSpan): ZipkinSpan {
  const kept: ZipkinSpan = {
    ...span,
    traceId: span.traceId.toLowerCase(),
    id: span.id.toLowerCase(),
    name: span.name.toLowerCase(),
    localEndpoint: { ...span.localEndpoint },
    tags: { ...span.tags },
  };
  if (span.parentId) kept.parentId = span.parentId.toLowerCase();
  if (span.localEndpoint.serviceName)
    kept.localEndpoint.serviceName = span.localEndpoint.serviceName.toLowerCase();
  return kept;
}
