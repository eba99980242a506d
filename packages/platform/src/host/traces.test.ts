/**
 * The embedded shop keeps its traces: with no OpenTelemetry exporter named it has an in-memory store,
 * served at /ops/zipkin/api/v2 on its port to the administrator, refused to customers and to anyone
 * without a token.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { loginAs, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import type { ZipkinSpan } from "../trace/zipkin.ts";
import { type Shop, startShop } from "./start-shop.ts";

let shop: Shop;

beforeAll(async () => {
  shop = await startShop({ logLevel: "silent" });
});
afterAll(async () => {
  await shop?.close();
});

const traces = (token?: string) =>
  fetch(
    `${shop.url}/ops/zipkin/api/v2/traces?annotationQuery=shop.order_id=o-1`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );

it("serves the in-memory traces to the administrator only", async () => {
  expect(shop.traces).toBeDefined();
  // A span as the functions' exporter writes it, so the path is shown to read this shop's store.
  const span: ZipkinSpan = {
    traceId: "a".repeat(32),
    id: "b".repeat(16),
    name: "PlaceOrder",
    timestamp: Date.now() * 1000,
    duration: 10,
    localEndpoint: { serviceName: "orders" },
    tags: { "shop.order_id": "o-1" },
  };
  shop.traces!.add([span]);
  const admin = await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password);
  const answer = await traces(admin.tokens.accessToken);
  expect(answer.status).toBe(200);
  expect(((await answer.json()) as ZipkinSpan[][]).map((t) => t.map((s) => s.name))).toEqual([
    ["placeorder"],
  ]);

  await shopClients(shop.url).identity.register({
    email: "trace-reader@example.com",
    password: "a long password 1",
  });
  const customer = await loginAs(shop.url, "trace-reader@example.com", "a long password 1");
  expect((await traces(customer.tokens.accessToken)).status).toBe(403);
  expect((await traces()).status).toBe(401);
});
