import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { RunningFunction } from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import { CartLineSchema, PromotionSchema } from "@shop/schemas/promotions/v1/promotions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promotionsFunction } from "../function.ts";
import { eventsFor, orderLine, orderPlaced, promotionClient } from "../test-support.ts";

const ADMIN = { userId: "admin-1", role: "admin" } as const;
const eur = (amountMinor: bigint) => create(MoneySchema, { amountMinor, currency: "EUR" });

// One function for the file: its automatic "free shipping from 50 EUR" applies to every order here
// that ships and reaches 50 EUR, which the tests below take into account.
describe("free shipping", () => {
  let fn: RunningFunction;
  let admin: Awaited<ReturnType<typeof promotionClient>>;
  beforeAll(async () => {
    fn = await startForTest(promotionsFunction);
    admin = await promotionClient(fn, ADMIN);
    await admin.createPromotion({
      promotion: create(PromotionSchema, {
        name: "Free shipping from 50 EUR",
        discount: { case: "freeShipping", value: true },
        minimumOrder: eur(5000n),
      }),
    });
    await admin.createPromotion({
      promotion: create(PromotionSchema, {
        name: "Ship free",
        code: "SHIPFREE",
        discount: { case: "freeShipping", value: true },
      }),
    });
  });
  afterAll(() => fn.close());

  async function priced(orderId: string) {
    const events = await eventsFor(fn, orderId);
    expect(events.map((e) => e.type)).toEqual(["shop.promotions.v1.OrderPriced"]);
    return events[0]?.message;
  }

  it("is created and listed as a free-shipping promotion with its minimum", async () => {
    const { promotions } = await admin.listPromotions({});
    const listed = promotions.find((p) => p.name === "Free shipping from 50 EUR");
    expect(listed?.discount).toEqual({ case: "freeShipping", value: true });
    expect(listed?.minimumOrder).toMatchObject({ amountMinor: 5000n, currency: "EUR" });
    expect(listed?.code).toBe("");
  });

  it("is refused with a sentence when free_shipping is false", async () => {
    const error = await admin
      .createPromotion({
        promotion: create(PromotionSchema, {
          name: "Nothing",
          discount: { case: "freeShipping", value: false },
        }),
      })
      .then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
    expect(error?.code).toBe(Code.InvalidArgument);
    expect(error?.rawMessage).toBe("Free shipping is set with free_shipping: true; false gives nothing.");
  });

  it("prices the shipping at zero from the minimum: total = subtotal − discount + shipping", async () => {
    await fn.receive(orderPlaced("o-free", { lines: [orderLine("b-1", "books", 2, 3000n)], shipping: 490n }));
    expect(await priced("o-free")).toMatchObject({
      subtotal: { amountMinor: 6000n },
      discount: { amountMinor: 0n },
      shipping: { amountMinor: 0n, currency: "EUR" },
      total: { amountMinor: 6000n },
      promotions: ["Free shipping from 50 EUR"],
    });
  });

  it("charges the option's price below the minimum, and adds it to the total", async () => {
    await fn.receive(
      orderPlaced("o-paid", { lines: [orderLine("b-1", "books", 1, 2000n)], shipping: 1290n }),
    );
    expect(await priced("o-paid")).toMatchObject({
      shipping: { amountMinor: 1290n, currency: "EUR" },
      total: { amountMinor: 3290n },
      promotions: [],
    });
  });

  it("prices an order that ships nothing as before, without a shipping field", async () => {
    await fn.receive(orderPlaced("o-none", { lines: [orderLine("b-1", "books", 3, 3000n)] }));
    const message = await priced("o-none");
    expect(message).toMatchObject({ total: { amountMinor: 9000n }, promotions: [] });
    expect(message?.shipping).toBeUndefined();
  });

  it("takes a free-shipping coupon below the minimum, and refuses it on an order that ships nothing", async () => {
    await fn.receive(
      orderPlaced("o-code", {
        couponCode: "shipfree",
        lines: [orderLine("b-1", "books", 1, 1000n)],
        shipping: 490n,
      }),
    );
    expect(await priced("o-code")).toMatchObject({
      shipping: { amountMinor: 0n },
      total: { amountMinor: 1000n },
      promotions: ["Ship free"],
    });
    await fn.receive(
      orderPlaced("o-code-none", { couponCode: "SHIPFREE", lines: [orderLine("b-1", "books", 1, 1000n)] }),
    );
    const events = await eventsFor(fn, "o-code-none");
    expect(events.map((e) => [e.type, e.message.reason])).toEqual([
      [
        "shop.promotions.v1.OrderPricingRejected",
        "The code SHIPFREE gives free shipping, and your order has nothing to ship.",
      ],
    ]);
  });

  it("gives an order asked for again the same free shipping", async () => {
    const question = { lines: [orderLine("b-1", "books", 1, 7000n)], shipping: 490n, placedAt: new Date() };
    await fn.receive(orderPlaced("o-again", question));
    await fn.receive(orderPlaced("o-again", question));
    const events = await eventsFor(fn, "o-again");
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event.message).toMatchObject({ shipping: { amountMinor: 0n }, total: { amountMinor: 7000n } });
    }
  });

  it("previews a free-shipping code on a cart as valid", async () => {
    const preview = await (await promotionClient(fn)).validateCoupon({
      code: "shipfree",
      lines: [
        create(CartLineSchema, { productId: "b-1", category: "books", quantity: 1, unitPrice: eur(1000n) }),
      ],
    });
    expect(preview).toMatchObject({ valid: true, reason: "", promotions: ["Ship free"] });
    expect(preview.total?.amountMinor).toBe(1000n);
  });
});
