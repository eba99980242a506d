/**
 * The part of Zipkin's v2 HTTP API the trace tests read: the traces of an order, found by the
 * `shop.order_id` tag every span of an order carries.
 */

/** A span as Zipkin's v2 JSON gives it (names are lower-cased by Zipkin). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: "CLIENT" | "SERVER" | "PRODUCER" | "CONSUMER";
  name?: string;
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/** The traces holding a span tagged `shop.order_id=<orderId>`, each a list of spans. */
export async function tracesOfOrder(zipkinUrl: string, orderId: string): Promise<ZipkinSpan[][]> {
  const query = new URLSearchParams({
    annotationQuery: `shop.order_id=${orderId}`,
    limit: "10",
    lookback: String(24 * 60 * 60 * 1000),
    endTs: String(Date.now() + 60_000),
  });
  const response = await fetch(`${zipkinUrl}/api/v2/traces?${query}`);
  if (!response.ok) throw new Error(`Zipkin answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as ZipkinSpan[][];
}

/** The service that recorded a span. */
export const serviceOf = (span: ZipkinSpan) => span.localEndpoint?.serviceName ?? "";
