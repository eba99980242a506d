/**
 * The embedded shop's trace store: the most recent traces in memory, in Zipkin's v2 shape, bounded by
 * a number of traces and of spans (the oldest trace goes first), queried as Zipkin's API queries.
 */
import { matchesQuery, type TraceQuery, traceStart } from "./trace-query.ts";
import type { ZipkinSpan, ZipkinTrace } from "./zipkin.ts";

/** Limits of a {@link SpanStore}. */
export interface SpanStoreOptions {
  /** Traces kept (default 1,000): an order's trace is one of them. */
  maxTraces?: number;
  /** Spans kept over all traces (default 100,000). */
  maxSpans?: number;
}

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
export function createSpanStore({ maxTraces = 1_000, maxSpans = 100_000 }: SpanStoreOptions = {}): SpanStore {
  if (!(maxTraces > 0 && maxSpans > 0)) throw new Error("a span store needs maxTraces and maxSpans above 0");
  // Insertion order is recency: a trace that grows is moved to the end, eviction takes the front.
  const traces = new Map<string, ZipkinSpan[]>();
  const services = new Set<string>();
  let spanCount = 0;

  function evict() {
    while (traces.size > maxTraces || spanCount > maxSpans) {
      const [oldestId, oldest] = traces.entries().next().value as [string, ZipkinSpan[]];
      if (traces.size === 1) {
        // One trace larger than the whole store: it keeps its latest spans.
        spanCount -= oldest.splice(0, spanCount - maxSpans).length;
        return;
      }
      traces.delete(oldestId);
      spanCount -= oldest.length;
    }
  }

  return {
    add(spans) {
      for (const span of spans) {
        const kept = normalize(span);
        const trace = traces.get(kept.traceId) ?? [];
        traces.delete(kept.traceId);
        trace.push(kept);
        traces.set(kept.traceId, trace);
        spanCount += 1;
        if (kept.localEndpoint.serviceName) services.add(kept.localEndpoint.serviceName);
      }
      evict();
    },
    trace: (traceId) => traces.get(traceId.toLowerCase())?.slice(),
    traces(query) {
      const found: ZipkinTrace[] = [];
      for (const trace of traces.values()) if (matchesQuery(trace, query)) found.push(trace.slice());
      return found.sort((a, b) => traceStart(b) - traceStart(a)).slice(0, query.limit);
    },
    services: () => [...services].sort(),
    size: () => ({ traces: traces.size, spans: spanCount }),
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
