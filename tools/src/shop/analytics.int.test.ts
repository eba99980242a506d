/**
 * analytics on real Kafka and real Postgres, fed by its KafkaSource on the shop's topic as the local
 * runner plays it: orders placed through the real saga (confirmed ones with and without a coupon, a
 * declined payment, an out-of-stock order, a confirmed order the customer cancels), then GetSalesReport against the same figures recomputed by
 * SQL from orders' own tables — and again after a replay from the topic's start.
 */
import { randomUUID } from "node:crypto";
import {
  DEV_ADMIN,
  loginAs,
  placeOrderWhenKnown,
  type Shop,
  type ShopClients,
  shopClients,
  startShop,
} from "@shop/platform";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import type { GetSalesReportResponse } from "@shop/schemas/analytics/v1/analytics";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { analyticsProblems } from "../faults/books-analytics.ts";

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });
const DAY_MS = 86_400_000;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

let shop: Shop;
let sql: postgres.Sql;
let admin: ShopClients;
let customer: ShopClients;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase(inject("databaseUrl"));
  shop = await startShop({
    databaseUrl,
    kafkaBrokers: inject("kafkaBrokers").split(","),
    topic: testTopic("analytics"),
    dlqTopic: testTopic("analytics-dlq"),
    logLevel: "warn",
  });
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  const email = `analyst-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
  customer = (await loginAs(shop.url, email, "correct horse battery")).clients;
});

afterAll(async () => {
  await sql?.end();
  await shop?.close();
});

async function product(name: string, price: number, stock: number) {
  const { product: created } = await admin.catalog.upsertProduct({
    product: { name, description: name, price: EUR(price), category: "kitchen", imageUrl: "", active: true },
  });
  await admin.inventory.setStock({ productId: created!.id, available: stock });
  return created!.id;
}

/** Places an order and follows it with WatchOrder until it is final. */
async function buy(
  lines: { productId: string; quantity: number }[],
  extra: { couponCode?: string; paymentToken?: string } = {},
) {
  const placed = await placeOrderWhenKnown(customer, {
    lines,
    paymentToken: "tok_visa",
    idempotencyKey: randomUUID(),
    ...extra,
  });
  for await (const { order } of customer.orders.watchOrder({ id: placed.id }, { timeoutMs: 60_000 })) {
    if (order && [OrderStatus.CONFIRMED, OrderStatus.CANCELLED].includes(order.status)) return order;
  }
  throw new Error(`order ${placed.id} did not become final`);
}

/** The figures a report over the whole test must show, recomputed from orders' own tables. */
async function fromOrdersTables() {
  const [counts] = await sql<{ placed: number; confirmed: number; cancelled: number; revenue: string }[]>`
    select count(*)::int as placed,
           count(*) filter (where status = 'CONFIRMED')::int as confirmed,
           count(*) filter (where status = 'CANCELLED')::int as cancelled,
           coalesce(sum(total_minor) filter (where status = 'CONFIRMED'), 0)::text as revenue
      from orders.orders`;
  const products = await sql<{ product_id: string; units: string; revenue: string }[]>`
    select line->>'productId' as product_id, sum((line->>'quantity')::bigint)::text as units,
           sum((line->>'lineTotalMinor')::bigint)::text as revenue
      from orders.orders, jsonb_array_elements(lines) as line
     where status = 'CONFIRMED'
     group by 1 order by sum((line->>'quantity')::bigint) desc, sum((line->>'lineTotalMinor')::bigint) desc, 1`;
  const coupons = await sql<{ code: string; redemptions: number; discount: string }[]>`
    select upper(coupon_code) as code, count(*)::int as redemptions, sum(discount_minor)::text as discount
      from orders.orders where status = 'CONFIRMED' and coupon_code <> '' group by 1 order by 2 desc, 1`;
  return {
    placed: counts!.placed,
    confirmed: counts!.confirmed,
    cancelled: counts!.cancelled,
    revenue: BigInt(counts!.revenue),
    products: products.map((p) => [p.product_id, BigInt(p.units), BigInt(p.revenue)]),
    coupons: coupons.map((c) => [c.code, c.redemptions, BigInt(c.discount)]),
  };
}

/** The same figures as analytics reports them, over the days around the test (it may cross midnight). */
function fromReport(report: GetSalesReportResponse) {
  const sum = (pick: (d: GetSalesReportResponse["days"][number]) => number) =>
    report.days.reduce((total, d) => total + pick(d), 0);
  return {
    placed: sum((d) => d.ordersPlaced),
    // Confirmed and not cancelled since: what orders' table shows as CONFIRMED.
    confirmed: report.ordersConverted,
    cancelled: sum((d) => d.ordersCancelled),
    revenue: report.days.flatMap((d) => d.revenue).reduce((total, m) => total + m.amountMinor, 0n),
    products: report.topProducts.map((p) => [p.productId, p.units, p.revenue?.amountMinor]),
    coupons: report.coupons.map((c) => [c.code, c.redemptions, c.discount?.amountMinor]),
  };
}

const LOAD = 24;
const range = () => ({ fromDay: day(Date.now() - DAY_MS), toDay: day(Date.now() + DAY_MS), top: 100 });

describe("analytics after a run of orders through the saga", () => {
  let expected: Awaited<ReturnType<typeof fromOrdersTables>>;
  let declined = 0;

  beforeAll(async () => {
    const mug = await product("Analytics Mug", 1_250, 100);
    const tea = await product("Analytics Tea", 800, 100);
    const vase = await product("Analytics Vase", 9_900, 1);
    await admin.promotions.createPromotion({
      promotion: { name: "Ten off", code: "SAVE10", discount: { case: "percentOff", value: 10 } },
    });
    const finals = [
      await buy(
        [
          { productId: mug, quantity: 2 },
          { productId: tea, quantity: 1 },
        ],
        { couponCode: "save10" },
      ),
      await buy([{ productId: tea, quantity: 3 }]),
      await buy([{ productId: mug, quantity: 1 }], { couponCode: "SAVE10" }),
      await buy([{ productId: mug, quantity: 1 }], { paymentToken: "tok_declined" }),
      await buy([{ productId: vase, quantity: 2 }], { couponCode: "SAVE10" }),
    ];
    expect(finals.map((o) => o.status)).toEqual([
      OrderStatus.CONFIRMED,
      OrderStatus.CONFIRMED,
      OrderStatus.CONFIRMED,
      OrderStatus.CANCELLED,
      OrderStatus.CANCELLED,
    ]);
    // Then a small load: orders side by side, every fourth declined, every third with the coupon.
    const load = await Promise.all(
      Array.from({ length: LOAD }, (_, i) =>
        buy([{ productId: i % 2 ? mug : tea, quantity: 1 + (i % 3) }], {
          ...(i % 3 === 0 ? { couponCode: "SAVE10" } : {}),
          ...(i % 4 === 0 ? { paymentToken: "tok_declined" } : {}),
        }),
      ),
    );
    declined = 1 + load.filter((_, i) => i % 4 === 0).length;
    expect(load.filter((o) => o.status === OrderStatus.CANCELLED)).toHaveLength(declined - 1);
    // The customer cancels a confirmed order (nothing ships, so it is before dispatch): its revenue goes.
    const { order: withdrawn } = await customer.orders.cancelOrder({
      id: finals[1]!.id,
      reason: "Changed my mind",
    });
    expect(withdrawn?.status).toBe(OrderStatus.CANCELLED);
    expected = await fromOrdersTables();
  });

  it("reports the figures recomputed from orders' tables, by cause for the cancellations", async () => {
    const report = await waitFor(
      async () => {
        const r = await admin.analytics.getSalesReport(range());
        return (
          fromReport(r).cancelled === expected.cancelled &&
          fromReport(r).confirmed === expected.confirmed &&
          r
        );
      },
      { message: "analytics to have every final order", timeoutMs: 60_000 },
    );
    expect(fromReport(report)).toEqual(expected);
    // The fault suite's per-order check agrees (and is shown to find a disagreement below).
    const ids = (await sql<{ id: string }[]>`select id from orders.orders`).map((r) => r.id);
    expect(await analyticsProblems(sql, ids)).toEqual([]);
    expect(expected).toMatchObject({ placed: 5 + LOAD, cancelled: declined + 2 });
    // Confirmed per day counts the withdrawn order too: it was confirmed that day.
    expect(report.days.reduce((n, d) => n + d.ordersConfirmed, 0)).toBe(expected.confirmed + 1);
    expect(report.ordersPlaced).toBe(expected.placed);
    expect(report.ordersConverted).toBe(expected.confirmed);
    expect(report.conversion).toBeCloseTo(expected.confirmed / expected.placed);
    expect(report.cancellations.map((c) => [c.cause, c.count])).toEqual([
      [CancellationCause.PAYMENT_FAILED, declined],
      [CancellationCause.OUT_OF_STOCK, 1],
      [CancellationCause.CUSTOMER_REQUESTED, 1],
    ]);
    expect(
      report.cancellations.find((c) => c.cause === CancellationCause.CUSTOMER_REQUESTED)?.afterConfirmation,
    ).toBe(1);
  });

  it("reports the same figures again after a replay from the start of the topic", async () => {
    const before = await admin.analytics.getSalesReport(range());
    // Spoil the projection first, so that only a rebuild from the topic can give the figures back.
    await sql`delete from analytics.order_facts where order_id in (select order_id from analytics.order_facts limit 10)`;
    expect(fromReport(await admin.analytics.getSalesReport(range()))).not.toEqual(expected);
    const ids = (await sql<{ id: string }[]>`select id from orders.orders`).map((r) => r.id);
    const spoiled = await analyticsProblems(sql, ids);
    expect(spoiled).toHaveLength(10);
    for (const sentence of spoiled) expect(sentence).toMatch(/^analytics does not know order .+ as placed$/);
    const replay = await admin.analytics.replayAnalytics({}, { timeoutMs: 120_000 });
    expect(replay.orders).toBe(expected.placed);
    // At least OrderPlaced, OrderPriced and a final event per order (and the products', stock's, …).
    expect(replay.eventsRead).toBeGreaterThan(BigInt(3 * expected.placed));
    const after = await admin.analytics.getSalesReport(range());
    expect(fromReport(after)).toEqual(expected);
    expect(after).toEqual(before);
    expect(await analyticsProblems(sql, ids)).toEqual([]);
  });
});
