/**
 * The W3C Trace Context headers (`traceparent`, `tracestate`) ↔ a span context, without the SDK: the
 * runtime reads and writes them on every event even with tracing off, so it must not need the SDK.
 */
import {
  type Context,
  context,
  createTraceState,
  isSpanContextValid,
  type SpanContext,
  TraceFlags,
  trace,
} from "@opentelemetry/api";

/** A span context as the two W3C headers carry it. */
export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The span context of a `traceparent` (and `tracestate`), or undefined when it is not a valid one. */
export function parseTraceparent(traceparent: string, tracestate?: string): SpanContext | undefined {
  const match = TRACEPARENT.exec(traceparent.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as string[];
  // Version ff is forbidden; version 00 has nothing after the flags (later versions may).
  if (version === "ff" || (version === "00" && rest)) return undefined;
  const spanContext: SpanContext = {
    traceId: traceId as string,
    spanId: spanId as string,
    traceFlags: Number.parseInt(flags as string, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate ? { traceState: createTraceState(tracestate) } : {}),
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** The W3C headers of a span context (undefined for an invalid one). */
export function formatTraceparent(spanContext: SpanContext): TraceHeaders | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, "0");
  const state = spanContext.traceState?.serialize();
  return {
    traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
    ...(state ? { tracestate: state } : {}),
  };
}

/** A context whose parent is the remote span of `headers`; `base` itself when they name none. */
export function contextFromHeaders(
  traceparent: string | undefined,
  tracestate: string | undefined,
  base: Context = context.active(),
): Context {
  const parent = traceparent ? parseTraceparent(traceparent, tracestate) : undefined;
  return parent ? trace.setSpanContext(base, parent) : base;
}

/** The W3C headers of the span active in `ctx`, if any. */
export function headersOfContext(ctx: Context = context.active()): TraceHeaders | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext ? formatTraceparent(spanContext) : undefined;
}
