/**
 * `/ops/zipkin/api/v2` on the host: real spans from a tracer provider per service, exported into the
 * store, read back over HTTP by an administrator's token as the runtime signs and verifies them;
 * anyone else is refused. With a Zipkin URL the same path is forwarded there.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createTokenSigner, createTokenVerifier, envSecretStore } from "@shop/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemorySpanExporter } from "./memory-exporter.ts";
import { createSpanStore } from "./span-store.ts";
import { answerFromStore } from "./store-api.ts";
import type { ZipkinSpan } from "./zipkin.ts";
import { createZipkinApi } from "./zipkin-api.ts";

const secrets = envSecretStore({});
const verifier = createTokenVerifier(secrets);
const signer = createTokenSigner(secrets);
const store = createSpanStore();
const servers: Server[] = [];
let admin: string;
let customer: string;
let host: string;
let traceId: string;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An order's spans in two services: orders' RPC and its publish, promotions consuming it. */
async function recordOrder(orderId: string): Promise<string> {
  const exporter = createMemorySpanExporter(store);
  const providers = ["orders", "promotions"].map(
    (name) =>
      new BasicTracerProvider({
        resource: resourceFromAttributes({ "service.name": name }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      }),
  );
  const [orders, promotions] = providers.map((p) => p.getTracer("shop"));
  const rpc = orders!.startSpan("shop.orders.v1.OrderService/PlaceOrder", {
    kind: SpanKind.SERVER,
    attributes: { "shop.order_id": orderId },
  });
  const publish = orders!.startSpan(
    "publish",
    { kind: SpanKind.PRODUCER },
    trace.setSpan(context.active(), rpc),
  );
  const consume = promotions!.startSpan(
    "shop.orders.v1.OrderPlaced",
    { kind: SpanKind.CONSUMER, attributes: { "shop.order_id": orderId } },
    trace.setSpan(context.active(), publish),
  );
  consume.end();
  publish.end();
  rpc.end();
  await Promise.all(providers.map((p) => p.shutdown()));
  return rpc.spanContext().traceId;
}

beforeAll(async () => {
  admin = (await signer.sign({ userId: "u-admin", role: "admin" }, 300)).token;
  customer = (await signer.sign({ userId: "u-1", role: "customer" }, 300)).token;
  traceId = await recordOrder("o-1");
  await recordOrder("o-2");
  host = await listen(
    createZipkinApi({ verifier, store, next: (_req, res) => res.writeHead(418).end("storefront") }),
  );
});
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

const get = (url: string, token?: string) =>
  fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe("an administrator", () => {
  it("finds the order's trace by shop.order_id, in Zipkin's shape", async () => {
    const res = await get(
      `${host}/ops/zipkin/api/v2/traces?annotationQuery=shop.order_id=o-1&limit=10`,
      admin,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const traces = (await res.json()) as ZipkinSpan[][];
    expect(traces).toHaveLength(1);
    const spans = traces[0]!;
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    expect(spans.map((s) => `${s.localEndpoint.serviceName} ${s.kind} ${s.name}`).sort()).toEqual([
      "orders PRODUCER publish",
      "orders SERVER shop.orders.v1.orderservice/placeorder",
      "promotions CONSUMER shop.orders.v1.orderplaced",
    ]);
    const byKind = Object.fromEntries(spans.map((s) => [s.kind, s]));
    expect(byKind.CONSUMER?.parentId).toBe(byKind.PRODUCER?.id);
    expect(byKind.PRODUCER?.parentId).toBe(byKind.SERVER?.id);
  });

  it("reads one trace by id, and the services", async () => {
    const one = await get(`${host}/ops/zipkin/api/v2/trace/${traceId.toUpperCase()}`, admin);
    expect(one.status).toBe(200);
    expect(((await one.json()) as ZipkinSpan[]).map((s) => s.id).sort()).toEqual(
      store
        .trace(traceId)!
        .map((s) => s.id)
        .sort(),
    );
    const services = await get(`${host}/ops/zipkin/api/v2/services`, admin);
    expect(await services.json()).toEqual(["orders", "promotions"]);
  });

  it("is told precisely what is wrong", async () => {
    const unknown = await get(`${host}/ops/zipkin/api/v2/trace/${"f".repeat(32)}`, admin);
    expect([unknown.status, await unknown.text()]).toEqual([
      404,
      `trace ${"f".repeat(32)} not found (or no longer kept)\n`,
    ]);
    const badId = await get(`${host}/ops/zipkin/api/v2/trace/xyz`, admin);
    expect(badId.status).toBe(400);
    const badLimit = await get(`${host}/ops/zipkin/api/v2/traces?limit=0`, admin);
    expect([badLimit.status, await badLimit.text()]).toEqual([
      400,
      'limit should be a whole number greater than 0, not "0"\n',
    ]);
    const post = await fetch(`${host}/ops/zipkin/api/v2/traces`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(post.status).toBe(405);
  });
});

describe("anyone else", () => {
  it("is refused: 401 without a valid token, 403 for a customer", async () => {
    const path = `${host}/ops/zipkin/api/v2/traces?annotationQuery=shop.order_id=o-1`;
    const none = await get(path);
    expect([none.status, none.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="shop"']);
    expect((await get(path, `${admin.slice(0, -4)}AAAA`)).status).toBe(401);
    const asCustomer = await get(path, customer);
    expect([asCustomer.status, await asCustomer.text()]).toEqual([
      403,
      "Only an administrator may see this.",
    ]);
  });

  it("passes every other path on", async () => {
    expect((await get(`${host}/ops/other`)).status).toBe(418);
  });
});

describe("with a Zipkin", () => {
  it("forwards the same path and query to Zipkin's /api/v2, and says when it does not answer", async () => {
    // A Zipkin-compatible server over the same store: what it is asked, and what it answers.
    const asked: string[] = [];
    const zipkin = await listen((req, res) => {
      asked.push(`${req.url} ${req.headers.authorization ?? "no token"}`);
      const url = new URL(req.url ?? "/", "http://zipkin");
      const answer = answerFromStore(store, url.pathname.replace("/api/v2/", ""), url.searchParams);
      if (answer.status !== 200) return res.writeHead(answer.status).end(answer.message);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
    const proxy = await listen(createZipkinApi({ verifier, zipkinUrl: zipkin }));
    const res = await get(`${proxy}/ops/zipkin/api/v2/traces?annotationQuery=shop.order_id%3Do-2`, admin);
    expect(res.status).toBe(200);
    expect(((await res.json()) as ZipkinSpan[][])[0]).toHaveLength(3);
    // The shop's token stays at the shop.
    expect(asked).toEqual(["/api/v2/traces?annotationQuery=shop.order_id%3Do-2 no token"]);
    expect((await get(`${proxy}/ops/zipkin/api/v2/trace/abc`, admin)).status).toBe(400);
    expect((await get(`${proxy}/ops/zipkin/api/v2/traces`, customer)).status).toBe(403);

    const down = await listen(createZipkinApi({ verifier, zipkinUrl: "http://127.0.0.1:9" }));
    const refused = await get(`${down}/ops/zipkin/api/v2/traces`, admin);
    expect([
      refused.status,
      (await refused.text()).startsWith("Zipkin at http://127.0.0.1:9 did not answer"),
    ]).toEqual([502, true]);
  });
});
