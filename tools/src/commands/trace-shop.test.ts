/**
 * `shop trace` against the embedded shop (`pnpm start`'s mode: no OTEL_* exporter, traces in memory):
 * one purchase is one trace, and the command prints it with spans of orders, promotions, inventory
 * and payments, the events' consumers under their producers, and the payment's redeliveries (the
 * provider fails twice for tok_unavailable) marked.
 */
import { type Shop, startShop } from "@shop/platform";
import { afterAll, beforeAll, expect, it } from "vitest";
import { traceCommand } from "./trace.ts";
import { confirmedPurchase, waterfallOf } from "./trace-testing.ts";

let shop: Shop;

beforeAll(async () => {
  shop = await startShop({ logLevel: "silent" });
});
afterAll(() => shop?.close());

it("prints the waterfall of an order placed in the embedded shop", async () => {
  const orderId = await confirmedPurchase(shop.url, "tok_unavailable");
  // Complete once the last hop (inventory taking OrderConfirmed) and the third payment attempt are in.
  const printed = await waterfallOf(
    traceCommand,
    [orderId, "--url", shop.url],
    (text) =>
      text.includes("inventory  process shop.orders.v1.orderconfirmed") && text.includes("redelivery 2"),
  );
  const lines = printed.split("\n");
  for (const service of ["orders", "promotions", "inventory", "payments"])
    expect(printed).toContain(`  ${service}  `);
  expect(lines[0]).toMatch(/^trace [0-9a-f]{32}: \d+ spans, \d+ services \(orders, .*\), [\d.]+ ms$/);
  // One trace, rooted at the RPC, whose consumers sit deeper than their producers.
  expect(printed.match(/^trace /gm)).toHaveLength(1);
  expect(lines[2]).toMatch(/^ +\+0\.0 ms +[\d.]+ ms {2}ok {6}orders {2}.*placeorder.*\[SERVER\]$/);
  // The tree starts after the start, duration and status columns (12 + 2 + 11 + 2 + 6 + 2 characters).
  const depth = (line: string) => (/^ */.exec(line.slice(35))?.[0].length ?? 0) / 2;
  const consumers = lines.filter((line) => line.includes("[CONSUMER]"));
  expect(consumers.length).toBeGreaterThanOrEqual(4);
  expect(Math.max(...consumers.map(depth))).toBeGreaterThan(3);
  const payments = consumers.filter((line) => / payments {2}.*stockreserved/.test(line));
  expect(payments.map((line) => /ok|ERROR/.exec(line)?.[0])).toEqual(["ERROR", "ERROR", "ok"]);
  expect(payments.map((line) => /redelivery \d/.exec(line)?.[0])).toEqual([
    undefined,
    "redelivery 1",
    "redelivery 2",
  ]);
});
