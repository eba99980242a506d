/**
 * `shop trace` against the embedded shop (`pnpm start`'s mode: no OTEL_* exporter, traces in memory):
 * one purchase is one trace, and the command prints it with spans of orders, promotions, inventory
 * and payments, the events' consumers under their producers.
 */
import { randomUUID } from "node:crypto";
import { DEV_ADMIN, loginAs, type Shop, shopClients, startShop } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, expect, it } from "vitest";
import { traceCommand } from "./trace.ts";

let shop: Shop;

beforeAll(async () => {
  shop = await startShop({ logLevel: "silent" });
});
afterAll(() => shop?.close());

it("prints the waterfall of an order placed in the embedded shop", async () => {
  const admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  const { product } = await admin.catalog.upsertProduct({
    product: {
      name: "Trace Mug",
      category: "kitchen",
      price: { amountMinor: 900n, currency: "EUR" },
      active: true,
    },
  });
  await admin.inventory.setStock({ productId: product!.id, available: 5 });
  const email = `tracer-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
  const { clients } = await loginAs(shop.url, email, "correct horse battery");
  const request = {
    lines: [{ productId: product!.id, quantity: 1 }],
    paymentToken: "tok_visa",
    idempotencyKey: randomUUID(),
  };
  // orders learns of the product from ProductChanged, a moment after the upsert.
  const order = await waitFor(
    () =>
      clients.orders.placeOrder(request).then(
        (r) => r.order,
        () => undefined,
      ),
    { message: "orders to sell the product" },
  );
  await waitFor(
    async () =>
      (await clients.orders.getOrder({ id: order.id })).order?.status === OrderStatus.CONFIRMED || undefined,
    { message: "the order to be confirmed" },
  );

  // Spans reach the store when each function's batch is exported (every few seconds).
  const printed = await waitFor(
    async () => {
      const out: string[] = [];
      await traceCommand([order.id, "--url", shop.url], (line: string) => out.push(line));
      const text = out.join("\n");
      return ["orders", "promotions", "inventory", "payments"].every((s) => text.includes(`  ${s}  `))
        ? text
        : undefined;
    },
    { message: "the order's spans of all four functions", timeoutMs: 30_000 },
  );
  const lines = printed.split("\n");
  expect(lines[0]).toMatch(/^trace [0-9a-f]{32}: \d+ spans, \d+ services \(.*orders.*\), [\d.]+ ms$/);
  // One trace, rooted at the RPC, whose consumers sit deeper than their producers.
  expect(printed.match(/^trace /gm)).toHaveLength(1);
  expect(lines[2]).toMatch(/^ +\+0\.0 ms +[\d.]+ ms {2}ok {6}orders {2}.*placeorder.*\[SERVER\]$/);
  // The tree starts after the start, duration and status columns (12 + 2 + 11 + 2 + 6 + 2 characters).
  const depth = (line: string) => (/^ */.exec(line.slice(35))?.[0].length ?? 0) / 2;
  const consumers = lines.filter((line) => line.includes("[CONSUMER]"));
  expect(consumers.length).toBeGreaterThanOrEqual(4);
  expect(Math.max(...consumers.map(depth))).toBeGreaterThan(3);
});
