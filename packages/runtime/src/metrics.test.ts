/**
 * What a function's /metrics shows after real work: RPCs by method and code with their latency
 * (through the server's unary fast path and through connect-node), and the outbox's backlog.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type ServiceImpl } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { OrderService } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCloudEvent } from "./events/codec.ts";
import type { RunningFunction } from "./function.ts";
import { defineFunction } from "./function.ts";
import { fixtureFunction } from "./testing/fixture/fixture.ts";
import { sampleValue, startForTest } from "./testing/index.ts";

const catalog: Partial<ServiceImpl<typeof CatalogService>> = {
  async getProduct({ id }) {
    if (id === "missing") throw new ConnectError(`There is no product "${id}".`, Code.NotFound);
    return { product: { id, name: "Mug" } };
  },
};

const orders: Partial<ServiceImpl<typeof OrderService>> = {
  async *watchOrder({ id }) {
    if (id === "missing") throw new ConnectError("No such order.", Code.NotFound);
    yield { order: { id } };
    yield { order: { id } };
  },
};

const withRoutes = defineFunction({
  ...fixtureFunction,
  routes: (router) => void router.service(CatalogService, catalog).service(OrderService, orders),
  policy: { GetProduct: "anonymous", WatchOrder: "anonymous" },
});

const service = "shop.catalog.v1.CatalogService";

describe("/metrics of a running function", () => {
  let fn: RunningFunction;
  const scrape = async () => (await fetch(`${fn.url}/metrics`)).text();
  const rpc = (method: string, body: object, contentType = "application/json") =>
    fetch(`${fn.url}/${service}/${method}`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    // Published only by a sweep: a handled event leaves its outbox row unpublished until then.
    fn = await startForTest(withRoutes, { config: { port: 0 }, listen: true, publishAfterCommit: false });
  });
  afterAll(() => fn.close());

  it("counts RPCs by service, method and Connect code, and times them", async () => {
    expect((await rpc("GetProduct", { id: "p1" })).status).toBe(200);
    expect((await rpc("GetProduct", { id: "p2" })).status).toBe(200);
    expect((await rpc("GetProduct", { id: "missing" })).status).toBe(404);
    // Admin-only by default: refused by the auth interceptor, still counted with its code.
    expect((await rpc("UpsertProduct", {})).status).toBe(401);
    const text = await scrape();
    const labels = { service, method: "GetProduct", function: "orders" };
    expect(sampleValue(text, "shop_rpc_requests_total", { ...labels, code: "ok" })).toBe(2);
    expect(sampleValue(text, "shop_rpc_requests_total", { ...labels, code: "not_found" })).toBe(1);
    expect(
      sampleValue(text, "shop_rpc_requests_total", {
        service,
        method: "UpsertProduct",
        code: "unauthenticated",
      }),
    ).toBe(1);
    expect(sampleValue(text, "shop_rpc_duration_seconds_count", labels)).toBe(3);
    expect(sampleValue(text, "shop_rpc_duration_seconds_bucket", { ...labels, le: "+Inf" })).toBe(3);
  });

  it("counts calls that connect-node serves (gRPC-Web, not the fast path) the same way", async () => {
    const client = createClient(
      CatalogService,
      createGrpcWebTransport({ baseUrl: fn.url!, httpVersion: "1.1" }),
    );
    const count = async (code: string) =>
      sampleValue(await scrape(), "shop_rpc_requests_total", { service, method: "GetProduct", code });
    const before = { ok: await count("ok"), notFound: await count("not_found") };
    await client.getProduct({ id: "p3" });
    await expect(client.getProduct({ id: "missing" })).rejects.toThrow(/no product/);
    expect(await count("ok")).toBe(before.ok + 1);
    expect(await count("not_found")).toBe(before.notFound + 1);
  });

  it("counts a server stream once it ends, with its code, and does not time it", async () => {
    const client = createClient(
      OrderService,
      createGrpcWebTransport({ baseUrl: fn.url!, httpVersion: "1.1" }),
    );
    const seen = [];
    for await (const message of client.watchOrder({ id: "o-1" })) seen.push(message);
    expect(seen).toHaveLength(2);
    await expect(
      (async () => {
        for await (const _ of client.watchOrder({ id: "missing" })) break;
      })(),
    ).rejects.toThrow(/No such order/);
    const text = await scrape();
    const labels = { service: "shop.orders.v1.OrderService", method: "WatchOrder" };
    expect(sampleValue(text, "shop_rpc_requests_total", { ...labels, code: "ok" })).toBe(1);
    expect(sampleValue(text, "shop_rpc_requests_total", { ...labels, code: "not_found" })).toBe(1);
    expect(sampleValue(text, "shop_rpc_duration_seconds_count", labels)).toBe(0);
  });

  it("shows an unpublished outbox row as backlog with its age, and none once published", async () => {
    const event = toCloudEvent(
      UserRegisteredSchema,
      create(UserRegisteredSchema, { userId: "u1", email: "u1@example.com" }),
      { source: "/functions/identity", key: "u1" },
    );
    expect(await fn.receive(event)).toBe("handled");
    let text = await scrape();
    expect(sampleValue(text, "shop_outbox_backlog", { function: "orders" })).toBe(1);
    expect(sampleValue(text, "shop_outbox_oldest_age_seconds")).toBeGreaterThan(0);
    expect(await fn.relay.sweep()).toBe(1);
    text = await scrape();
    expect(sampleValue(text, "shop_outbox_backlog")).toBe(0);
    expect(sampleValue(text, "shop_outbox_oldest_age_seconds")).toBe(0);
  });
});
