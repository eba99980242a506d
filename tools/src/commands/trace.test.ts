/**
 * `shop trace`: real spans of one order across four services (a tracer provider each), exported into
 * the embedded store, read through the host's trace API as an administrator, printed as a waterfall:
 * indented by parent, offsets and durations, status, and the redelivered event marked.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createMemorySpanExporter, createSpanStore, createZipkinApi } from "@shop/platform";
import { createTokenSigner, createTokenVerifier, envSecretStore } from "@shop/runtime";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fetchOrderTraces, type TraceSource } from "./trace.ts";
import { renderWaterfall } from "./waterfall.ts";

const secrets = envSecretStore({});
const store = createSpanStore();
let server: Server;
let source: TraceSource;
let customer: string;

/** One purchase's spans; times in ms after `t0`, so the waterfall's figures are exact. */
async function recordPurchase(orderId: string, t0: number) {
  const providers = ["orders", "promotions", "inventory"].map(
    (name) =>
      new BasicTracerProvider({
        resource: resourceFromAttributes({ "service.name": name }),
        spanProcessors: [new SimpleSpanProcessor(createMemorySpanExporter(store))],
      }),
  );
  const [orders, promotions, inventory] = providers.map((p) => p.getTracer("shop"));
  const span = (
    tracer: typeof orders,
    name: string,
    kind: SpanKind,
    parent: Span | undefined,
    [from, to]: [number, number],
    tags: Record<string, string> = {},
    fail?: string,
  ) => {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    const s = tracer!.startSpan(name, { kind, startTime: t0 + from, attributes: tags }, ctx);
    if (fail) s.setStatus({ code: SpanStatusCode.ERROR, message: fail });
    s.end(t0 + to);
    return s;
  };
  const order = { "shop.order_id": orderId };
  const rpc = span(
    orders,
    "shop.orders.v1.OrderService/PlaceOrder",
    SpanKind.SERVER,
    undefined,
    [0, 12],
    order,
  );
  span(orders, "db.transaction", SpanKind.INTERNAL, rpc, [1, 9]);
  const placed = span(orders, "publish shop.orders.v1.OrderPlaced", SpanKind.PRODUCER, rpc, [10, 11]);
  const event = { ...order, "cloudevents.event_id": "e-1" };
  span(
    promotions,
    "shop.orders.v1.OrderPlaced",
    SpanKind.CONSUMER,
    placed,
    [20, 25],
    event,
    "database unavailable",
  );
  const again = span(
    promotions,
    "shop.orders.v1.OrderPlaced",
    SpanKind.CONSUMER,
    placed,
    [525, 532.5],
    event,
  );
  const priced = span(
    promotions,
    "publish shop.promotions.v1.OrderPriced",
    SpanKind.PRODUCER,
    again,
    [531, 532],
  );
  const reserve = { ...order, "cloudevents.event_id": "e-2" };
  span(inventory, "shop.promotions.v1.OrderPriced", SpanKind.CONSUMER, priced, [540, 560], reserve);
  await Promise.all(providers.map((p) => p.shutdown()));
  return rpc.spanContext().traceId;
}

beforeAll(async () => {
  server = createServer(createZipkinApi({ verifier: createTokenVerifier(secrets), store }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const signer = createTokenSigner(secrets);
  const admin = (await signer.sign({ userId: "u-admin", role: "admin" }, 300)).token;
  customer = (await signer.sign({ userId: "u-1", role: "customer" }, 300)).token;
  source = {
    api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops/zipkin/api/v2`,
    token: admin,
  };
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it("prints the order's waterfall: one line per span under its parent, the redelivery marked", async () => {
  const traceId = await recordPurchase("o-7", Date.now() - 5_000);
  await recordPurchase("o-8", Date.now() - 4_000);
  const traces = await fetchOrderTraces(source, "o-7");
  expect(traces).toHaveLength(1);
  expect(renderWaterfall(traces[0]!)).toBe(
    [
      `trace ${traceId}: 7 spans, 3 services (orders, promotions, inventory), 560.0 ms`,
      "       start     duration  status  service / span",
      "     +0.0 ms      12.0 ms  ok      orders  shop.orders.v1.orderservice/placeorder  [SERVER]",
      "     +1.0 ms       8.0 ms  ok        orders  db.transaction",
      "    +10.0 ms       1.0 ms  ok        orders  publish shop.orders.v1.orderplaced  [PRODUCER]",
      "    +20.0 ms       5.0 ms  ERROR       promotions  shop.orders.v1.orderplaced  [CONSUMER]  error: database unavailable",
      "   +525.0 ms       7.5 ms  ok          promotions  shop.orders.v1.orderplaced  [CONSUMER]  redelivery 1 of event e-1",
      "   +531.0 ms       1.0 ms  ok            promotions  publish shop.promotions.v1.orderpriced  [PRODUCER]",
      "   +540.0 ms      20.0 ms  ok              inventory  shop.promotions.v1.orderpriced  [CONSUMER]",
    ].join("\n"),
  );
});

it("shows a span whose parent is missing at the top, saying so", async () => {
  const [purchase] = await fetchOrderTraces(source, "o-8");
  const consumer = purchase!.find((s) => s.tags["cloudevents.event_id"] === "e-2")!;
  expect(renderWaterfall([consumer]).split("\n")[2]).toBe(
    `     +0.0 ms      20.0 ms  ok      inventory  shop.promotions.v1.orderpriced  [CONSUMER]  (parent ${consumer.parentId} not in the trace)`,
  );
});

it("says what is wrong: not an order id, not an administrator, no shop", async () => {
  await expect(fetchOrderTraces(source, "o-1 and error")).rejects.toThrow(
    '"o-1 and error" is not an order id',
  );
  await expect(fetchOrderTraces({ ...source, token: customer }, "o-7")).rejects.toThrow(
    /answered 403: Only an administrator may see this\.$/,
  );
  await expect(fetchOrderTraces({ api: "http://127.0.0.1:9/api/v2" }, "o-7")).rejects.toThrow(
    /^nothing answers at http:\/\/127\.0\.0\.1:9\/api\/v2/,
  );
});
