import type { RunningFunction } from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promotionsFunction } from "../function.ts";
import {
  eventsFor,
  givenPromotion,
  orderCancelled,
  orderLine,
  orderPlaced,
  redemptionCount,
} from "../test-support.ts";

const PRICED = "shop.promotions.v1.OrderPriced";
const REJECTED = "shop.promotions.v1.OrderPricingRejected";
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

// orders' reconciler asks for an overdue order again by re-emitting its OrderPlaced (a new event id,
// the same content): promotions answers it as it answered the first time, so the question travels on.
describe("an OrderPlaced asked again (the saga's reconciler)", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(promotionsFunction);
  });
  afterAll(() => fn.close());

  /**
   * Delivers the same OrderPlaced twice, as two events, then each of them again (a redelivery:
   * "duplicate", nothing emitted), and returns what promotions emitted for it.
   */
  async function askedTwice(orderId: string, question: Parameters<typeof orderPlaced>[1]) {
    const placedAt = new Date();
    const first = orderPlaced(orderId, { ...question, placedAt });
    const again = orderPlaced(orderId, { ...question, placedAt });
    await expect(fn.receive(first)).resolves.toBe("handled");
    await expect(fn.receive(again)).resolves.toBe("handled");
    // The first delivery's claim tells its redelivery; the re-ask's processed-event row tells its own.
    await expect(fn.receive(first)).resolves.toBe("duplicate");
    await expect(fn.receive(again)).resolves.toBe("duplicate");
    return eventsFor(fn, orderId);
  }

  it("gives a priced order the same OrderPriced again, redeeming nothing more", async () => {
    await givenPromotion(fn, { name: "Only once", code: "ONLY-ONCE", singleUse: true });
    await givenPromotion(fn, { name: "Tea week", category: "tea", percentOff: 20 });
    await givenPromotion(fn, {
      name: "Tea bonus",
      category: "tea",
      percentOff: undefined,
      amountOff: eur(100n),
    });
    const lines = [orderLine("green", "tea", 2, 1500n), orderLine("mug", "mugs", 1, 800n)];
    const [first, again, ...more] = await askedTwice("o-priced", { couponCode: "only-once", lines });

    expect(more).toEqual([]);
    expect(first?.type).toBe(PRICED);
    expect(again?.type).toBe(PRICED);
    expect(again?.id).not.toBe(first?.id);
    expect(again?.message).toEqual(first?.message);
    expect(again?.message).toMatchObject({
      subtotal: eur(3800n),
      discount: eur(380n + 600n + 100n),
      total: eur(2720n),
      promotions: ["Only once", "Tea week", "Tea bonus"],
      paymentToken: "tok_visa",
    });
    // The single-use coupon is this order's: asking again is not "already used".
    expect(await redemptionCount(fn, "Only once")).toBe(1);
    expect(await redemptionCount(fn, "Tea week")).toBe(1);
  });

  it("gives a rejected order the same rejection again, even once the code would work", async () => {
    const lines = [orderLine("a", "x", 1, 1000n)];
    await fn.receive(orderPlaced("o-rejected", { couponCode: "NOT-YET", lines }));
    await givenPromotion(fn, { name: "Not yet", code: "NOT-YET" });
    await fn.receive(orderPlaced("o-rejected", { couponCode: "NOT-YET", lines }));

    const events = await eventsFor(fn, "o-rejected");
    expect(events.map((event) => event.type)).toEqual([REJECTED, REJECTED]);
    expect(events[1]?.message).toEqual(events[0]?.message);
    expect(events[1]?.message.reason).toBe(
      "The code NOT-YET does not exist. Please check how it is spelled.",
    );
    expect(await redemptionCount(fn, "Not yet")).toBe(0);
  });

  it("answers nothing for an order that was cancelled, whatever it was answered before", async () => {
    const lines = [orderLine("a", "x", 1, 1000n)];
    await fn.receive(orderPlaced("o-gone-priced", { lines }));
    await fn.receive(orderPlaced("o-gone-rejected", { couponCode: "NO-SUCH-CODE", lines }));
    for (const orderId of ["o-gone-priced", "o-gone-rejected", "o-gone-unseen"]) {
      await fn.receive(orderCancelled(orderId));
      await fn.receive(orderPlaced(orderId, { lines }));
    }
    expect((await eventsFor(fn, "o-gone-priced")).map((event) => event.type)).toEqual([PRICED]);
    expect((await eventsFor(fn, "o-gone-rejected")).map((event) => event.type)).toEqual([REJECTED]);
    expect(await eventsFor(fn, "o-gone-unseen")).toEqual([]);
  });

  it("prices an order it never saw when the first question was lost", async () => {
    // The first OrderPlaced was dead-lettered: the one asked again is the first promotions sees.
    await fn.receive(orderPlaced("o-lost", { lines: [orderLine("a", "x", 1, 1000n)] }));
    const events = await eventsFor(fn, "o-lost");
    expect(events.map((event) => event.type)).toEqual([PRICED]);
    expect(events[0]?.message).toMatchObject({ total: eur(1000n) });
  });
});
