/**
 * Where the shop answers an order's traces: its Zipkin-compatible API, by the order id tag that
 * every span of the order's saga carries.
 */

/** The path of `GET …/traces` for the traces of order `orderId`. */
export function traceQuery(orderId: string): string {
  const query = new URLSearchParams({ annotationQuery: `shop.order_id=${orderId}`, limit: "20" });
  return `/ops/zipkin/api/v2/traces?${query}`;
}
