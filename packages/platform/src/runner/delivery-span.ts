/**
 * The runner's delivery as a span, as Knative's broker dispatcher traces it: child of the producer's
 * span (the record's `ce_traceparent`), parent of every attempt's CONSUMER span (the POST carries its
 * own `ce-traceparent`), so retries show as sibling consumer spans of one delivery.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { contextFromHeaders, eventAttributes, formatTraceparent, inSpan } from "@shop/runtime";
import type { Attempt, RecordEvent } from "./delivery.ts";

/** Where an event is delivered: the Trigger (or KafkaSource) and the subscriber's URL. */
export interface DeliveryTarget {
  name: string;
  url: string;
}

/**
 * Runs `deliver` in the delivery span of `event`, handing it the event with the span as its trace
 * context; `deliver` reports each attempt through `onAttempt`.
 */
export function traceDelivery(
  tracer: Tracer,
  target: DeliveryTarget,
  event: RecordEvent,
  deliver: (event: RecordEvent, onAttempt: (attempt: Attempt) => void) => Promise<Attempt>,
): Promise<Attempt> {
  const { attributes } = event;
  const parent = contextFromHeaders(attributes.traceparent, attributes.tracestate, ROOT_CONTEXT);
  const options = {
    kind: SpanKind.CLIENT,
    attributes: {
      ...eventAttributes({
        id: attributes.id ?? "",
        type: attributes.type ?? "",
        source: attributes.source ?? "",
        subject: attributes.subject,
      }),
      "messaging.operation.type": "deliver",
      "shop.trigger": target.name,
      "url.full": target.url,
    },
  };
  return inSpan(tracer, `deliver ${attributes.type}`, options, parent, async (span) => {
    const own = formatTraceparent(span.spanContext());
    const { traceparent: _parent, tracestate: _state, ...rest } = attributes;
    const traced = { ...rest, ...own };
    let attempts = 0;
    const attempt = await deliver({ attributes: traced, data: event.data }, (one) => {
      attempts++;
      span.addEvent("attempt", {
        "shop.delivery.attempt": attempts,
        ...(one.status === undefined ? {} : { "http.response.status_code": one.status }),
        ...(one.error ? { "error.type": one.error } : {}),
      });
    });
    span.setAttribute("shop.delivery.attempts", attempts);
    if (attempt.status !== undefined) span.setAttribute("http.response.status_code", attempt.status);
    if (!attempt.delivered) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error ?? `answered ${attempt.status}` });
    }
    return attempt;
  });
}
