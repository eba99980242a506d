/**
 * The CONSUMER span of a handled event (CloudEvents semantic conventions), child of the span its
 * `traceparent` names: the runner's delivery, whose parent is the producer's span. A redelivery is a
 * second consumer span under the same parent.
 */
import { SpanKind, type Tracer } from "@opentelemetry/api";
import { keepSpanForLogs } from "../logger.ts";
import { eventAttributes, inSpan } from "../tracing/spans.ts";
import { contextFromHeaders } from "../tracing/traceparent.ts";
import type { ShopCloudEvent } from "./codec.ts";

/** Runs `fn`, the handling of `event`, in its CONSUMER span. */
export function traceConsumer<T>(tracer: Tracer, event: ShopCloudEvent, fn: () => Promise<T>): Promise<T> {
  const parent = contextFromHeaders(text(event.traceparent), text(event.tracestate));
  const subject = text(event.subject);
  const options = {
    kind: SpanKind.CONSUMER,
    attributes: {
      ...eventAttributes({ id: event.id, type: event.type, source: event.source, subject }),
      "messaging.operation.type": "process",
    },
  };
  return inSpan(
    tracer,
    `process ${event.type}`,
    options,
    parent,
    async (span) => {
      keepSpanForLogs(span.spanContext());
      const outcome = await fn();
      span.setAttribute("shop.event.outcome", String(outcome));
      return outcome;
    },
    true,
  );
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
