/**
 * The layout of a trace's waterfall from Zipkin's v2 JSON (`GET /api/v2/traces` answers a list of
 * traces, each a list of spans): one bar per span, in tree order (each span under its parent, siblings
 * by start), placed by its start and duration as fractions of the whole trace.
 */

/** The fields of a Zipkin v2 span the waterfall uses (timestamps and durations in microseconds). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: string;
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/** One row of the waterfall. */
export interface Bar {
  id: string;
  depth: number;
  service: string;
  name: string;
  kind: string;
  /** From the trace's start, in milliseconds. */
  startMs: number;
  durationMs: number;
  /** Where the bar starts and how wide it is, as fractions (0–1) of the trace's duration. */
  left: number;
  width: number;
  /** What went wrong, when the span recorded an error. */
  error?: string;
  /** For a consumer span of an event its service already received in this trace: 1 = first redelivery. */
  redelivery?: number;
}

/** One trace, laid out. */
export interface Waterfall {
  traceId: string;
  /** Epoch milliseconds of its first span. */
  startedAt: number;
  durationMs: number;
  services: string[];
  bars: Bar[];
}

/** An answer that is not Zipkin v2 JSON, with what is wrong. */
export class TraceFormatError extends Error {
  override name = "TraceFormatError";
}

/** Lays out every trace of a Zipkin `/api/v2/traces` answer, earliest first. */
export function layoutTraces(answer: unknown): Waterfall[] {
  if (!Array.isArray(answer)) throw new TraceFormatError("expected a list of traces");
  return answer
    .map((trace, i) => layoutTrace(checkTrace(trace, i)))
    .filter((w): w is Waterfall => w !== undefined)
    .sort((a, b) => a.startedAt - b.startedAt);
}

function checkTrace(trace: unknown, index: number): ZipkinSpan[] {
  if (!Array.isArray(trace)) throw new TraceFormatError(`trace ${index + 1} is not a list of spans`);
  trace.forEach((span, i) => {
    const s = span as Partial<ZipkinSpan> | null;
    if (typeof s !== "object" || s === null || typeof s.traceId !== "string" || typeof s.id !== "string")
      throw new TraceFormatError(`span ${i + 1} of trace ${index + 1} has no traceId or id`);
    for (const field of ["timestamp", "duration"] as const)
      if (s[field] !== undefined && (typeof s[field] !== "number" || s[field] < 0))
        throw new TraceFormatError(`span ${s.id}: ${field} is not a number of microseconds`);
  });
  return trace as ZipkinSpan[];
}

function errorOf(tags: Record<string, string> = {}): string | undefined {
  if (tags.error !== undefined) return tags.error || "error";
  if (tags["otel.status_code"] === "ERROR") return tags["otel.status_description"] || "error";
  return undefined;
}

function layoutTrace(spans: ZipkinSpan[]): Waterfall | undefined {
  const timed = spans.filter((s) => s.timestamp !== undefined);
  if (spans.length === 0) return undefined;
  const start = Math.min(...timed.map((s) => s.timestamp!));
  const end = Math.max(...timed.map((s) => s.timestamp! + (s.duration ?? 0)));
  const total = Number.isFinite(start) && end > start ? end - start : 1;
  const known = new Set(spans.map((s) => s.id));
  const children = new Map<string | undefined, ZipkinSpan[]>();
  for (const span of spans) {
    // A span whose parent was not recorded (or is itself) is a root: the waterfall still shows it.
    const parent =
      span.parentId && known.has(span.parentId) && span.parentId !== span.id ? span.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const bars: Bar[] = [];
  const placed = new Set<ZipkinSpan>();
  const redelivered = redeliveries(spans);
  const visit = (span: ZipkinSpan, depth: number, parentStart: number) => {
    if (placed.has(span)) return;
    placed.add(span);
    const at = span.timestamp ?? parentStart;
    const duration = span.duration ?? 0;
    const error = errorOf(span.tags);
    const redelivery = redelivered.get(span);
    bars.push({
      id: span.id,
      depth,
      service: span.localEndpoint?.serviceName || "unknown",
      name: span.name || "(unnamed)",
      kind: span.kind ?? "",
      startMs: (at - start) / 1000,
      durationMs: duration / 1000,
      left: (at - start) / total,
      width: duration / total,
      ...(error !== undefined ? { error } : {}),
      ...(redelivery !== undefined ? { redelivery } : {}),
    });
    for (const child of byStart(children.get(span.id) ?? [])) visit(child, depth + 1, at);
  };
  for (const root of byStart(children.get(undefined) ?? [])) visit(root, 0, start);
  // Spans in a cycle of parents (a broken trace) have no root: they are shown last, at the top level.
  for (const span of spans) visit(span, 0, start);
  return {
    traceId: spans[0]!.traceId,
    startedAt: Number.isFinite(start) ? start / 1000 : 0,
    durationMs: Number.isFinite(start) ? (end - start) / 1000 : 0,
    services: [...new Set(bars.map((bar) => bar.service))],
    bars,
  };
}

/** The tag the runtime puts a CloudEvent's id on (CloudEvents semantic conventions). */
const EVENT_ID_TAG = "cloudevents.event_id";

/** Consumer spans of an event their service already received (same event id): which redelivery each is. */
function redeliveries(spans: ZipkinSpan[]): Map<ZipkinSpan, number> {
  const seen = new Map<string, number>();
  const marked = new Map<ZipkinSpan, number>();
  for (const span of byStart(spans)) {
    const eventId = span.tags?.[EVENT_ID_TAG];
    if (span.kind !== "CONSUMER" || !eventId) continue;
    const key = `${span.localEndpoint?.serviceName ?? ""} ${eventId}`;
    const count = seen.get(key) ?? 0;
    if (count > 0) marked.set(span, count);
    seen.set(key, count + 1);
  }
  return marked;
}

const byStart = (spans: ZipkinSpan[]) => [...spans].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));

const HUES: Record<string, number> = {
  orders: 160,
  promotions: 280,
  inventory: 30,
  payments: 215,
  catalog: 95,
  identity: 340,
};

/** The hue of a service's bars: fixed for Shop's functions, from the name for anything else. */
export function serviceHue(service: string): number {
  return HUES[service] ?? [...service].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 360, 7);
}
