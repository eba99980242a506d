import type { RunningFunction } from "@shop/runtime";
import { createTestDatabase, startForTest } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { promotionsFunction } from "../function.ts";
import { eventsFor, givenPromotion, orderLine, orderPlaced, redemptionCount } from "../test-support.ts";

const PRICED = "shop.promotions.v1.OrderPriced";
const REJECTED = "shop.promotions.v1.OrderPricingRejected";

// Real Postgres (a pool of connections), so the orders really are priced at the same time.
describe("redeeming under concurrency (real Postgres)", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    fn = await startForTest(promotionsFunction, { config: { database: { kind: "postgres", url } } });
  });
  afterAll(() => fn.close());

  async function outcomes(orderIds: string[]) {
    const types = await Promise.all(orderIds.map(async (id) => (await eventsFor(fn, id)).map((e) => e.type)));
    return types.flat();
  }

  it("redeems a single-use coupon exactly once for 50 orders at the same time", async () => {
    await givenPromotion(fn, { name: "Race", code: "RACE-1", singleUse: true });
    const orderIds = Array.from({ length: 50 }, (_, i) => `race-${i}`);
    const lines = [orderLine("a", "x", 1, 1000n)];
    const results = await Promise.all(
      orderIds.map((id, i) =>
        fn.receive(orderPlaced(id, { customerId: `c-${i}`, couponCode: "RACE-1", lines })),
      ),
    );
    expect(results.every((r) => r === "handled")).toBe(true);
    const types = await outcomes(orderIds);
    expect(types.filter((t) => t === PRICED)).toHaveLength(1);
    expect(types.filter((t) => t === REJECTED)).toHaveLength(49);
    expect(await redemptionCount(fn, "Race")).toBe(1);
  });

  it("gives a limited automatic promotion to exactly as many orders as allowed", async () => {
    await givenPromotion(fn, { name: "First three", category: "limited", maxRedemptions: 3 });
    await givenPromotion(fn, { name: "Once each", code: "ONCE-EACH", maxPerCustomer: 1 });
    const orderIds = Array.from({ length: 30 }, (_, i) => `auto-${i}`);
    const lines = [orderLine("l", "limited", 1, 1000n)];
    // Every order is the same customer's and uses the per-customer coupon: one may have it.
    await Promise.all(
      orderIds.map((id) =>
        fn.receive(orderPlaced(id, { customerId: "same", couponCode: "ONCE-EACH", lines })),
      ),
    );
    const types = await outcomes(orderIds);
    expect(types.filter((t) => t === PRICED)).toHaveLength(1);
    expect(await redemptionCount(fn, "Once each")).toBe(1);
    expect(await redemptionCount(fn, "First three")).toBe(1);

    const more = Array.from({ length: 30 }, (_, i) => `auto-more-${i}`);
    await Promise.all(more.map((id, i) => fn.receive(orderPlaced(id, { customerId: `m-${i}`, lines }))));
    expect((await outcomes(more)).filter((t) => t === PRICED)).toHaveLength(30);
    expect(await redemptionCount(fn, "First three")).toBe(3);
  });
});
