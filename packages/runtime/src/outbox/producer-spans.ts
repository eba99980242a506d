/**
 * The relay's PRODUCER spans: one per published row, child of the trace context stored with the row
 * (the transaction that wrote it), not of the relay's own work, whichever process publishes it. The
 * record's `ce_traceparent` becomes the producer span, so consumers are its children.
 */
import { ROOT_CONTEXT, type Span, SpanKind, type Tracer } from "@opentelemetry/api";
import type { OutgoingRecord } from "../log/event-log.ts";
import { eventAttributes, markFailed } from "../tracing/spans.ts";
import { contextFromHeaders, formatTraceparent } from "../tracing/traceparent.ts";

/** The columns of an outbox row the relay publishes. */
export interface OutboxRow {
  id: string;
  type: string;
  key: string;
  headers: Record<string, string>;
  data: Uint8Array;
  traceParent: string | null;
  traceState: string | null;
}

/** The records of `rows`, and how to end their spans once the log has answered. */
export interface Publication {
  records: OutgoingRecord[];
  /** Ends the spans; with the error the publish failed with, if it failed. */
  end(error?: unknown): void;
}

const untraced = () => {};

/** The records to publish for `rows`, each under its PRODUCER span when `tracer` is given. */
export function publication(tracer: Tracer | undefined, topic: string, rows: OutboxRow[]): Publication {
  if (!tracer) {
    return {
      records: rows.map((row) => ({ key: row.key, value: row.data, headers: row.headers })),
      end: untraced,
    };
  }
  const spans: Span[] = [];
  const records = rows.map((row) => {
    const parent = contextFromHeaders(
      row.traceParent ?? undefined,
      row.traceState ?? undefined,
      ROOT_CONTEXT,
    );
    const span = tracer.startSpan(
      `publish ${row.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "send",
          "messaging.operation.name": "send",
          "messaging.destination.name": topic,
          "messaging.message.id": row.id,
          "messaging.kafka.message.key": row.key,
          ...eventAttributes({
            id: row.id,
            type: row.type,
            source: row.headers.ce_source ?? "",
            subject: row.key,
          }),
        },
      },
      parent,
    );
    spans.push(span);
    const { ce_traceparent: _parent, ce_tracestate: _state, ...headers } = row.headers;
    const own = formatTraceparent(span.spanContext());
    if (own) headers.ce_traceparent = own.traceparent;
    if (own?.tracestate) headers.ce_tracestate = own.tracestate;
    return { key: row.key, value: row.data, headers };
  });
  return {
    records,
    end(error) {
      for (const span of spans) {
        if (error !== undefined) markFailed(span, error);
        span.end();
      }
    },
  };
}
