/**
 * An order's trace as a waterfall in the terminal (`shop trace`): one line per span, children under
 * their parent, with start offset, duration, status, service and name; a consumer span repeated for
 * the same event in the same service is a redelivery and says so. Reads Zipkin's v2 JSON, so the
 * embedded shop's store and a real Zipkin print alike.
 */
import type { ZipkinSpan, ZipkinTrace } from "@shop/platform";

/** The tag the runtime puts the CloudEvent's id on (CloudEvents semantic conventions). */
export const EVENT_ID_TAG = "cloudevents.event_id";

/** A span as the waterfall shows it. */
interface Row {
  span: ZipkinSpan;
  depth: number;
  /** Why it sits at the top although it has a parent. */
  orphan: boolean;
}

/** Lays the spans out depth-first, each level in start order; a span whose parent is missing starts a tree. */
function rows(trace: ZipkinTrace): Row[] {
  const ids = new Set(trace.map((s) => s.id));
  const children = new Map<string | undefined, ZipkinSpan[]>();
  for (const span of trace) {
    const parent =
      span.parentId && ids.has(span.parentId) && span.parentId !== span.id ? span.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const out: Row[] = [];
  const seen = new Set<ZipkinSpan>();
  const visit = (span: ZipkinSpan, depth: number) => {
    // Zipkin may hold a span twice (client and server halves share an id): show each record once.
    if (seen.has(span)) return;
    seen.add(span);
    out.push({ span, depth, orphan: depth === 0 && Boolean(span.parentId) });
    for (const child of byStart(children.get(span.id) ?? [])) visit(child, depth + 1);
  };
  for (const root of byStart(children.get(undefined) ?? [])) visit(root, 0);
  // Spans only reachable through a cycle of parent ids: still shown, at the top.
  for (const span of byStart(trace)) visit(span, 0);
  return out;
}

const byStart = (spans: ZipkinSpan[]) => [...spans].sort((a, b) => a.timestamp - b.timestamp);

/** For each repeated consumer span (same service, same event id), which delivery it is: 1 = first redelivery. */
function redeliveries(trace: ZipkinTrace): Map<ZipkinSpan, number> {
  const seen = new Map<string, number>();
  const marked = new Map<ZipkinSpan, number>();
  for (const span of byStart(trace)) {
    const eventId = span.tags[EVENT_ID_TAG];
    if (span.kind !== "CONSUMER" || !eventId) continue;
    const key = `${span.localEndpoint.serviceName} ${eventId}`;
    const count = seen.get(key) ?? 0;
    if (count > 0) marked.set(span, count);
    seen.set(key, count + 1);
  }
  return marked;
}

const ms = (micros: number) => `${(micros / 1000).toFixed(1)} ms`;

function status(span: ZipkinSpan): string {
  const failed = span.tags["otel.status_code"] === "ERROR" || span.tags.error !== undefined;
  return failed ? "ERROR" : "ok";
}

/** The waterfall of one trace: a heading line, a column line, then one line per span. */
export function renderWaterfall(trace: ZipkinTrace): string {
  if (trace.length === 0) return "(an empty trace)";
  const start = Math.min(...trace.map((s) => s.timestamp));
  const end = Math.max(...trace.map((s) => s.timestamp + s.duration));
  const services = [...new Set(byStart(trace).map((s) => s.localEndpoint.serviceName ?? "?"))];
  const redelivered = redeliveries(trace);
  const lines = [
    `trace ${trace[0]!.traceId}: ${trace.length} spans, ${services.length} services (${services.join(", ")}), ${ms(end - start)}`,
    `${"start".padStart(12)}  ${"duration".padStart(11)}  ${"status".padEnd(6)}  service / span`,
  ];
  for (const { span, depth, orphan } of rows(trace)) {
    const notes = [
      span.kind ? `[${span.kind}]` : "",
      redelivered.has(span) ? `redelivery ${redelivered.get(span)} of event ${span.tags[EVENT_ID_TAG]}` : "",
      span.tags.error ? `error: ${span.tags.error}` : "",
      orphan ? `(parent ${span.parentId} not in the trace)` : "",
    ].filter(Boolean);
    lines.push(
      [
        `+${ms(span.timestamp - start)}`.padStart(12),
        ms(span.duration).padStart(11),
        status(span).padEnd(6),
        `${"  ".repeat(depth)}${span.localEndpoint.serviceName ?? "?"}  ${span.name}${notes.length ? `  ${notes.join("  ")}` : ""}`,
      ].join("  "),
    );
  }
  return lines.join("\n");
}
