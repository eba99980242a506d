/**
 * The runtime's spans, written against `@opentelemetry/api` only. Every helper takes the function's
 * tracer or undefined: with tracing off the callers skip them, so the request path does no tracing work.
 */
import {
  type Context,
  context,
  createContextKey,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { registry } from "@shop/schemas";

/** The attribute that names the order a span concerns: `annotationQuery=shop.order_id=<id>` finds its trace. */
export const ORDER_ID = "shop.order_id";

// The span of the unit of work (the RPC or the handled event): the order id an emit learns is put on
// it too, not only on the transaction's span.
const WORK_SPAN = createContextKey("shop.work-span");

/**
 * Runs `fn` in a new span, child of `parent`, ended when `fn` settles; a throw marks it as an error.
 * `work` makes it the span of the unit of work (see {@link tagOrder}).
 */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  parent: Context,
  fn: (span: Span) => Promise<T>,
  work = false,
): Promise<T> {
  const span = tracer.startSpan(name, options, parent);
  let active = trace.setSpan(parent, span);
  if (work) active = active.setValue(WORK_SPAN, span);
  try {
    return await context.with(active, () => fn(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span as failed with what was thrown. */
export function markFailed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** Puts the order id on the active span and on the span of the unit of work. */
export function tagOrder(orderId: string, ctx: Context = context.active()): void {
  trace.getSpan(ctx)?.setAttribute(ORDER_ID, orderId);
  (ctx.getValue(WORK_SPAN) as Span | undefined)?.setAttribute(ORDER_ID, orderId);
}

const orderKeyed = new Map<string, boolean>();

/**
 * The order an event concerns: its key when the event's field 1 is `order_id` (every saga event: the
 * key of an event is its aggregate id), else undefined (a product's, a user's event).
 */
export function orderIdOf(type: string, key: string | null | undefined): string | undefined {
  let keyed = orderKeyed.get(type);
  if (keyed === undefined) {
    const first = registry.getMessage(type)?.fields.find((field) => field.number === 1);
    keyed = first?.name === "order_id";
    orderKeyed.set(type, keyed);
  }
  return keyed && key ? key : undefined;
}

/** The CloudEvents semantic-convention attributes of an event (and its order, if it concerns one). */
export function eventAttributes(event: {
  id: string;
  type: string;
  source: string;
  subject?: string | undefined;
}): Record<string, string> {
  const orderId = orderIdOf(event.type, event.subject);
  return {
    "cloudevents.event_id": event.id,
    "cloudevents.event_type": event.type,
    "cloudevents.event_source": event.source,
    "cloudevents.event_spec_version": "1.0",
    ...(event.subject ? { "cloudevents.event_subject": event.subject } : {}),
    ...(orderId ? { [ORDER_ID]: orderId } : {}),
  };
}
