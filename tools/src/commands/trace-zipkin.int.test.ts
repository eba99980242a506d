/**
 * `shop trace` in local real mode with Zipkin (started by infra/local): the functions export to it,
 * the shop's /ops/zipkin/api/v2 forwards to it, and both ways print the same waterfall of a purchase
 * whose payment is retried (tok_unavailable), its redeliveries marked.
 */
import { type Shop, startShop } from "@shop/platform";
import { createTestDatabase, testTopic } from "@shop/runtime/testing";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startZipkin } from "../../../infra/local/index.mjs";
import { traceCommand } from "./trace.ts";
import { confirmedPurchase, waterfallOf } from "./trace-testing.ts";

let zipkin: { url: string; spansEndpoint: string; stop(): Promise<void> };
let shop: Shop;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  zipkin = await startZipkin({ log: () => {} });
  // What local real mode sets when infra/local runs Zipkin (read by each function's tracing at start);
  // a short batch delay keeps the test quick.
  const env = {
    OTEL_TRACES_EXPORTER: "zipkin",
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: "200",
  };
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: [inject("kafkaBrokers")],
    topic: testTopic("shop"),
    dlqTopic: testTopic("dlq"),
    logLevel: "silent",
  });
});
afterAll(async () => {
  await shop?.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await zipkin?.stop();
});

it("prints the same waterfall through the shop as from Zipkin itself, redeliveries marked", async () => {
  expect(shop.traces).toBeUndefined();
  const orderId = await confirmedPurchase(shop.url, "tok_unavailable");
  const complete = (text: string) =>
    text.includes("inventory  process shop.orders.v1.orderconfirmed") &&
    text.includes("catalog  process shop.inventory.v1.stockchanged") &&
    text.includes("redelivery 2");
  const viaShop = await waterfallOf(traceCommand, [orderId, "--url", shop.url], complete);
  const direct = await waterfallOf(traceCommand, [orderId, "--zipkin", zipkin.url], complete);
  expect(viaShop).toBe(direct);
  for (const service of ["orders", "promotions", "inventory", "payments"])
    expect(direct).toContain(`  ${service}  `);
  expect(direct.match(/redelivery \d of event/g)).toEqual(["redelivery 1 of event", "redelivery 2 of event"]);
});
