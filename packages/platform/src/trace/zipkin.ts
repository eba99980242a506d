/**
 * OpenTelemetry spans in Zipkin's v2 JSON (zipkin2-api.yaml), the format of the embedded trace store
 * and of its read API. The conversion is the official exporter's (`@opentelemetry/exporter-zipkin`,
 * checked against it in zipkin.test.ts): that exporter only sends over HTTP to a URL and does not
 * export its converter, so the in-memory store converts here instead of posting to itself.
 */
import { type Attributes, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { hrTimeToMicroseconds } from "@opentelemetry/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

/** A span as Zipkin's v2 API holds it. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: "CLIENT" | "SERVER" | "PRODUCER" | "CONSUMER";
  /** Epoch microseconds. */
  timestamp: number;
  /** Microseconds. */
  duration: number;
  localEndpoint: { serviceName?: string };
  annotations?: { timestamp: number; value: string }[];
  tags: Record<string, string>;
}

/** A trace: its spans, in no particular order (as Zipkin answers). */
export type ZipkinTrace = ZipkinSpan[];

const KINDS: Record<SpanKind, ZipkinSpan["kind"]> = {
  [SpanKind.CLIENT]: "CLIENT",
  [SpanKind.SERVER]: "SERVER",
  [SpanKind.PRODUCER]: "PRODUCER",
  [SpanKind.CONSUMER]: "CONSUMER",
  // Zipkin: "when absent, the span is local".
  [SpanKind.INTERNAL]: undefined,
};

/** The tag names the official exporter uses for the span's status. */
export const STATUS_CODE_TAG = "otel.status_code";
export const STATUS_ERROR_TAG = "error";

/** Converts a finished span; the service is the span's or its resource's `service.name`. */
export function toZipkinSpan(span: ReadableSpan): ZipkinSpan {
  const context = span.spanContext();
  const service = span.attributes["service.name"] ?? span.resource.attributes["service.name"];
  const zipkin: ZipkinSpan = {
    traceId: context.traceId,
    id: context.spanId,
    name: span.name,
    // The API says int64 microseconds; hrTimeToMicroseconds keeps the nanoseconds' fraction.
    timestamp: Math.round(hrTimeToMicroseconds(span.startTime)),
    duration: Math.round(hrTimeToMicroseconds(span.duration)),
    localEndpoint: { serviceName: String(service ?? "OpenTelemetry Service") },
    tags: tags(span),
  };
  const parentId = span.parentSpanContext?.spanId;
  if (parentId) zipkin.parentId = parentId;
  const kind = KINDS[span.kind];
  if (kind) zipkin.kind = kind;
  if (span.events.length) {
    zipkin.annotations = span.events.map((event) => ({
      timestamp: Math.round(hrTimeToMicroseconds(event.time)),
      value: event.name,
    }));
  }
  return zipkin;
}

function tags(span: ReadableSpan): Record<string, string> {
  const out = stringify(span.attributes);
  const { status } = span;
  if (status.code !== SpanStatusCode.UNSET) out[STATUS_CODE_TAG] = SpanStatusCode[status.code];
  if (status.code === SpanStatusCode.ERROR && status.message) out[STATUS_ERROR_TAG] = status.message;
  if (span.droppedAttributesCount) out["otel.dropped_attributes_count"] = String(span.droppedAttributesCount);
  if (span.droppedEventsCount) out["otel.dropped_events_count"] = String(span.droppedEventsCount);
  if (span.droppedLinksCount) out["otel.dropped_links_count"] = String(span.droppedLinksCount);
  return Object.assign(out, stringify(span.resource.attributes));
}

function stringify(attributes: Attributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) out[key] = String(value);
  return out;
}
