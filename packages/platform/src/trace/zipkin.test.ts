/**
 * The in-memory exporter writes what the official Zipkin exporter sends: the same spans, exported by
 * both from one tracer provider, give the same Zipkin v2 JSON (timestamps in whole microseconds, as
 * Zipkin's API declares them).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMemorySpanExporter } from "./memory-exporter.ts";
import { createSpanStore } from "./span-store.ts";
import type { ZipkinSpan } from "./zipkin.ts";

// What the official exporter POSTs, as a Zipkin collector would receive it.
const posted: ZipkinSpan[] = [];
let collector: Server;
let url: string;

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      if (req.url === "/api/v2/spans") posted.push(...(JSON.parse(body) as ZipkinSpan[]));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/api/v2/spans`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

it("converts spans as @opentelemetry/exporter-zipkin does", async () => {
  const store = createSpanStore();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "Orders", "service.version": "1.0.0" }),
    spanProcessors: [
      new SimpleSpanProcessor(new ZipkinExporter({ url })),
      new SimpleSpanProcessor(createMemorySpanExporter(store)),
    ],
  });
  const tracer = provider.getTracer("test");
  const root = tracer.startSpan("shop.orders.v1.OrderService/PlaceOrder", {
    kind: SpanKind.SERVER,
    attributes: { "rpc.system": "connect_rpc", "shop.order_id": "o-1", "rpc.connect_rpc.status": 0 },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const db = tracer.startSpan("db.transaction", { attributes: { retried: true, rows: [1, 2] } }, inRoot);
  db.addEvent("commit");
  db.end();
  const publish = tracer.startSpan("publish shop.orders.v1.OrderPlaced", { kind: SpanKind.PRODUCER }, inRoot);
  publish.setStatus({ code: SpanStatusCode.OK });
  publish.end();
  const consume = tracer.startSpan("shop.orders.v1.OrderPlaced", { kind: SpanKind.CONSUMER }, inRoot);
  consume.setStatus({ code: SpanStatusCode.ERROR, message: "promotions is down" });
  consume.end();
  const client = tracer.startSpan("charge", { kind: SpanKind.CLIENT }, inRoot);
  client.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();

  expect(posted).toHaveLength(5);
  const kept = store.traces({
    annotationQuery: new Map(),
    endTs: Date.now() + 1000,
    lookback: 60_000,
    limit: 1,
  });
  expect(kept).toHaveLength(1);
  for (const official of posted) {
    const mine = kept[0]!.find((span) => span.id === official.id);
    // The store keeps names in lower case, as Zipkin does; the conversion itself keeps them.
    expect(mine).toEqual({
      ...official,
      name: official.name.toLowerCase(),
      localEndpoint: { serviceName: "orders" },
      timestamp: Math.round(official.timestamp),
    });
  }
  const byName = Object.fromEntries(kept[0]!.map((span) => [span.name, span]));
  expect(byName["shop.orders.v1.orderplaced"]?.tags).toMatchObject({
    "otel.status_code": "ERROR",
    error: "promotions is down",
  });
  expect(byName["db.transaction"]?.annotations?.map((a) => a.value)).toEqual(["commit"]);
  expect(byName["db.transaction"]?.parentId).toBe(root.spanContext().spanId);
});
