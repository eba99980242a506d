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

const DAY = 24 * 60 * 60 * 1000;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

// Each test uses its own codes and, for automatic promotions, its own category, because the
// function (and so every promotion) is shared by the whole file.
describe("pricing an order on OrderPlaced", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(promotionsFunction);
  });
  afterAll(() => fn.close());

  async function outcome(orderId: string) {
    const events = await eventsFor(fn, orderId);
    expect(events).toHaveLength(1);
    return events[0]!;
  }

  async function rejectionOf(orderId: string) {
    const event = await outcome(orderId);
    expect(event.type).toBe("shop.promotions.v1.OrderPricingRejected");
    return event.message.reason;
  }

  it("applies a valid coupon, emits OrderPriced with the amounts and counts the redemption", async () => {
    await givenPromotion(fn, { name: "Save ten", code: "save10" });
    const lines = [orderLine("book-1", "books", 2, 1500n), orderLine("toy-1", "toys", 1, 2000n)];
    await expect(fn.receive(orderPlaced("o-valid", { couponCode: "Save10", lines }))).resolves.toBe(
      "handled",
    );
    const { type, message } = await outcome("o-valid");
    expect(type).toBe("shop.promotions.v1.OrderPriced");
    expect(message).toMatchObject({
      orderId: "o-valid",
      customerId: "customer-1",
      subtotal: eur(5000n),
      discount: eur(500n),
      total: eur(4500n),
      promotions: ["Save ten"],
      paymentToken: "tok_visa",
    });
    expect((message.lines as unknown[]).length).toBe(2);
    expect(await redemptionCount(fn, "Save ten")).toBe(1);
  });

  it("prices an order without coupon or automatic promotion at full price", async () => {
    await fn.receive(orderPlaced("o-plain", { lines: [orderLine("plain-1", "plain", 3, 999n)] }));
    expect((await outcome("o-plain")).message).toMatchObject({
      subtotal: eur(2997n),
      discount: eur(0n),
      total: eur(2997n),
      promotions: [],
    });
  });

  it("rejects a code it does not know", async () => {
    await fn.receive(
      orderPlaced("o-unknown", { couponCode: "nope-42", lines: [orderLine("a", "x", 1, 1000n)] }),
    );
    expect(await rejectionOf("o-unknown")).toBe(
      "The code NOPE-42 does not exist. Please check how it is spelled.",
    );
  });

  it("rejects a code that has expired or has not started", async () => {
    const now = Date.now();
    await givenPromotion(fn, {
      name: "Old",
      code: "SAVE-OLD",
      startsAt: new Date(now - 9 * DAY),
      endsAt: new Date(now - DAY),
    });
    await givenPromotion(fn, { name: "Soon", code: "SAVE-SOON", startsAt: new Date("2099-01-01T00:00:00Z") });
    await fn.receive(
      orderPlaced("o-expired", { couponCode: "save-old", lines: [orderLine("a", "x", 1, 1000n)] }),
    );
    await fn.receive(
      orderPlaced("o-early", { couponCode: "save-soon", lines: [orderLine("a", "x", 1, 1000n)] }),
    );
    expect(await rejectionOf("o-expired")).toBe("The code SAVE-OLD has expired.");
    expect(await rejectionOf("o-early")).toBe("The code SAVE-SOON cannot be used before 2099-01-01.");
  });

  it("rejects an order below the code's minimum, with no eligible line, or in another currency", async () => {
    await givenPromotion(fn, { name: "Big", code: "BIG50", minimumOrder: eur(5000n) });
    await givenPromotion(fn, { name: "Garden", code: "GARDEN", category: "garden" });
    await givenPromotion(fn, {
      name: "Five off",
      code: "FIVE-OFF",
      percentOff: undefined,
      amountOff: eur(500n),
    });
    await fn.receive(orderPlaced("o-min", { couponCode: "BIG50", lines: [orderLine("a", "x", 1, 4999n)] }));
    await fn.receive(orderPlaced("o-cat", { couponCode: "GARDEN", lines: [orderLine("a", "x", 1, 4999n)] }));
    await fn.receive(
      orderPlaced("o-usd", { couponCode: "FIVE-OFF", lines: [orderLine("a", "x", 1, 4999n, "USD")] }),
    );
    expect(await rejectionOf("o-min")).toBe("The code BIG50 needs an order of at least 50.00 EUR.");
    expect(await rejectionOf("o-cat")).toBe("The code GARDEN does not apply to any product in your order.");
    expect(await rejectionOf("o-usd")).toBe("The code FIVE-OFF can only be used for orders in EUR.");
    expect(await redemptionCount(fn, "Big")).toBe(0);
  });

  it("lets a single-use coupon be used once, then rejects it", async () => {
    await givenPromotion(fn, { name: "Welcome", code: "WELCOME-1", singleUse: true });
    const lines = [orderLine("a", "x", 1, 1000n)];
    await fn.receive(orderPlaced("o-first", { customerId: "alice", couponCode: "WELCOME-1", lines }));
    await fn.receive(orderPlaced("o-second", { customerId: "bob", couponCode: "welcome-1", lines }));
    expect((await outcome("o-first")).type).toBe("shop.promotions.v1.OrderPriced");
    expect(await rejectionOf("o-second")).toBe("The coupon WELCOME-1 has already been used.");
    expect(await redemptionCount(fn, "Welcome")).toBe(1);
  });

  it("rejects a code the customer has used as often as allowed, but not for another customer", async () => {
    await givenPromotion(fn, { name: "Twice each", code: "TWICE", maxPerCustomer: 2 });
    const lines = [orderLine("a", "x", 1, 1000n)];
    for (const orderId of ["o-t1", "o-t2", "o-t3"]) {
      await fn.receive(orderPlaced(orderId, { customerId: "carol", couponCode: "TWICE", lines }));
    }
    await fn.receive(orderPlaced("o-t4", { customerId: "dave", couponCode: "TWICE", lines }));
    expect((await outcome("o-t2")).type).toBe("shop.promotions.v1.OrderPriced");
    expect(await rejectionOf("o-t3")).toBe(
      "You have already used the code TWICE 2 times, which is as often as it may be used.",
    );
    expect((await outcome("o-t4")).type).toBe("shop.promotions.v1.OrderPriced");
    expect(await redemptionCount(fn, "Twice each")).toBe(3);
  });

  it("stacks automatic promotions with the coupon and skips an automatic one at its limit", async () => {
    await givenPromotion(fn, { name: "Kitchen week", category: "kitchen", percentOff: 20 });
    await givenPromotion(fn, {
      name: "First kitchen buyer",
      category: "kitchen",
      percentOff: undefined,
      amountOff: eur(300n),
      maxRedemptions: 1,
    });
    await givenPromotion(fn, {
      name: "Kitchen coupon",
      code: "KITCHEN5",
      percentOff: undefined,
      amountOff: eur(500n),
    });
    const lines = [orderLine("pan", "kitchen", 1, 4000n), orderLine("cup", "mugs", 2, 500n)];
    await fn.receive(orderPlaced("o-stack1", { couponCode: "KITCHEN5", lines }));
    await fn.receive(orderPlaced("o-stack2", { lines }));
    expect((await outcome("o-stack1")).message).toMatchObject({
      subtotal: eur(5000n),
      discount: eur(500n + 800n + 300n),
      total: eur(3400n),
      promotions: ["Kitchen coupon", "Kitchen week", "First kitchen buyer"],
    });
    expect((await outcome("o-stack2")).message).toMatchObject({
      discount: eur(800n),
      total: eur(4200n),
      promotions: ["Kitchen week"],
    });
  });

  it("releases the redemptions on OrderCancelled, and ignores the order from then on", async () => {
    await givenPromotion(fn, { name: "Gift", code: "GIFT-1", singleUse: true });
    const lines = [orderLine("a", "x", 1, 1000n)];
    const placed = orderPlaced("o-cancel", { couponCode: "GIFT-1", lines });
    await fn.receive(placed);
    expect(await redemptionCount(fn, "Gift")).toBe(1);

    await expect(fn.receive(orderCancelled("o-cancel"))).resolves.toBe("handled");
    expect(await redemptionCount(fn, "Gift")).toBe(0);
    // Cancelled again (a new event for the same order): still released once.
    await fn.receive(orderCancelled("o-cancel"));
    expect(await redemptionCount(fn, "Gift")).toBe(0);

    // The same OrderPlaced delivered again, or a copy with a new id: nothing happens.
    await expect(fn.receive(placed)).resolves.toBe("duplicate");
    await fn.receive(orderPlaced("o-cancel", { couponCode: "GIFT-1", lines }));
    expect(await eventsFor(fn, "o-cancel")).toHaveLength(1);
    expect(await redemptionCount(fn, "Gift")).toBe(0);

    // The coupon is free again for someone else.
    await fn.receive(orderPlaced("o-after", { customerId: "erin", couponCode: "GIFT-1", lines }));
    expect((await outcome("o-after")).type).toBe("shop.promotions.v1.OrderPriced");
  });

  it("does nothing for an OrderPlaced that arrives after the order's cancellation", async () => {
    await givenPromotion(fn, { name: "Late", code: "LATE-1", singleUse: true });
    await fn.receive(orderCancelled("o-late"));
    await fn.receive(orderPlaced("o-late", { couponCode: "LATE-1", lines: [orderLine("a", "x", 1, 1000n)] }));
    expect(await eventsFor(fn, "o-late")).toEqual([]);
    expect(await redemptionCount(fn, "Late")).toBe(0);
  });

  it("prices an order once even when OrderPlaced comes twice with different ids", async () => {
    await givenPromotion(fn, { name: "Twice sent", code: "TWICE-SENT", singleUse: true });
    const lines = [orderLine("a", "x", 1, 1000n)];
    await fn.receive(orderPlaced("o-dup", { couponCode: "TWICE-SENT", lines }));
    await fn.receive(orderPlaced("o-dup", { couponCode: "TWICE-SENT", lines }));
    // The second is answered with the first answer (answer-again.test.ts), not priced again.
    const events = await eventsFor(fn, "o-dup");
    expect(events.map((event) => event.type)).toEqual([
      "shop.promotions.v1.OrderPriced",
      "shop.promotions.v1.OrderPriced",
    ]);
    expect(events[1]?.message).toEqual(events[0]?.message);
    expect(await redemptionCount(fn, "Twice sent")).toBe(1);
  });
});
