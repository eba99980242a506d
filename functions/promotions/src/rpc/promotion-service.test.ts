import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { RunningFunction } from "@shop/runtime";
import { publishedEvents, startForTest } from "@shop/runtime/testing";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import { type CartLine, CartLineSchema, PromotionSchema } from "@shop/schemas/promotions/v1/promotions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promotionsFunction } from "../function.ts";
import { orderLine, orderPlaced, promotionClient } from "../test-support.ts";

const ADMIN = { userId: "admin-1", role: "admin" } as const;
const CUSTOMER = { userId: "customer-7", role: "customer" } as const;
const eur = (amountMinor: bigint) => create(MoneySchema, { amountMinor, currency: "EUR" });

function cartLine(productId: string, category: string, quantity: number, unitPrice: bigint): CartLine {
  return create(CartLineSchema, { productId, category, quantity, unitPrice: eur(unitPrice) });
}

type PromotionInit = MessageInitShape<typeof PromotionSchema>;

function promotion(init: PromotionInit) {
  const defaults: PromotionInit = { name: "A promotion", discount: { case: "percentOff", value: 10 } };
  return create(PromotionSchema, { ...defaults, ...init } as PromotionInit);
}

async function codeOf(call: Promise<unknown>): Promise<Code | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

describe("PromotionService", () => {
  let fn: RunningFunction;
  let admin: Awaited<ReturnType<typeof promotionClient>>;
  let customer: Awaited<ReturnType<typeof promotionClient>>;
  let anonymous: Awaited<ReturnType<typeof promotionClient>>;
  beforeAll(async () => {
    fn = await startForTest(promotionsFunction);
    admin = await promotionClient(fn, ADMIN);
    customer = await promotionClient(fn, CUSTOMER);
    anonymous = await promotionClient(fn);
  });
  afterAll(() => fn.close());

  const create_ = (p: PromotionInit) => admin.createPromotion({ promotion: promotion(p) });

  describe("CreatePromotion and ListPromotions", () => {
    it("creates a promotion with its code in upper case and lists it with its redemption count", async () => {
      const { promotion: created } = await create_({
        name: "Spring sale",
        code: "spring-25",
        discount: { case: "amountOff", value: eur(2500n) },
        minimumOrder: eur(10000n),
        startsAt: timestampFromDate(new Date("2026-03-01T00:00:00Z")),
        endsAt: timestampFromDate(new Date("2026-06-01T00:00:00Z")),
        maxRedemptions: 100,
        maxPerCustomer: 1,
        productIds: ["p-1", "p-2"],
        category: "garden",
      });
      expect(created).toMatchObject({
        name: "Spring sale",
        code: "SPRING-25",
        discount: { case: "amountOff", value: { amountMinor: 2500n, currency: "EUR" } },
        minimumOrder: { amountMinor: 10000n, currency: "EUR" },
        maxRedemptions: 100,
        maxPerCustomer: 1,
        singleUse: false,
        productIds: ["p-1", "p-2"],
        category: "garden",
        redemptionCount: 0,
      });
      expect(created?.id).toMatch(/.+/);
      const { promotions } = await admin.listPromotions({});
      expect(promotions.find((p) => p.id === created?.id)).toEqual(created);
    });

    it("makes a single-use coupon one with one redemption", async () => {
      const { promotion: created } = await create_({ name: "Once", code: "ONCE-ONLY", singleUse: true });
      expect(created).toMatchObject({ singleUse: true, maxRedemptions: 1, code: "ONCE-ONLY" });
    });

    it("refuses a code another promotion has, in any case", async () => {
      await create_({ name: "Dup 1", code: "DUP-CODE" });
      const error = await create_({ name: "Dup 2", code: "dup-code" }).catch((e: unknown) =>
        ConnectError.from(e),
      );
      expect(error).toMatchObject({
        code: Code.AlreadyExists,
        rawMessage: "A promotion with the code DUP-CODE already exists.",
      });
    });

    it.each([
      ["no name", { name: " " }],
      ["no discount", { discount: { case: undefined } }],
      ["percent 0", { discount: { case: "percentOff", value: 0 } }],
      ["percent 101", { discount: { case: "percentOff", value: 101 } }],
      ["amount 0", { discount: { case: "amountOff", value: eur(0n) } }],
      [
        "a bad currency",
        {
          discount: { case: "amountOff", value: create(MoneySchema, { amountMinor: 5n, currency: "EURO" }) },
        },
      ],
      ["a code too short", { code: "AB" }],
      ["a code with a space", { code: "SAVE 10" }],
      ["a code too long", { code: "X".repeat(33) }],
      [
        "an end before the start",
        {
          startsAt: timestampFromDate(new Date("2026-05-01T00:00:00Z")),
          endsAt: timestampFromDate(new Date("2026-04-01T00:00:00Z")),
        },
      ],
      ["single use with more redemptions", { code: "SINGLE-5", singleUse: true, maxRedemptions: 5 }],
      ["negative limits", { maxPerCustomer: -1 }],
    ] as [string, PromotionInit][])("refuses a promotion with %s as InvalidArgument", async (_, init) => {
      expect(await codeOf(create_(init))).toBe(Code.InvalidArgument);
    });

    it("is for administrators only", async () => {
      expect(await codeOf(customer.createPromotion({ promotion: promotion({}) }))).toBe(
        Code.PermissionDenied,
      );
      expect(await codeOf(customer.listPromotions({}))).toBe(Code.PermissionDenied);
      expect(await codeOf(anonymous.listPromotions({}))).toBe(Code.Unauthenticated);
    });
  });

  describe("ValidateCoupon", () => {
    const cart = [cartLine("lamp", "lighting", 2, 2000n), cartLine("bulb", "bulbs", 1, 1000n)];

    it("previews a code on a cart, for anyone, without redeeming it", async () => {
      const { promotion: created } = await create_({
        name: "Light",
        code: "LIGHT-20",
        singleUse: true,
        category: "lighting",
        discount: { case: "percentOff", value: 20 },
      });
      const eventsBefore = (await publishedEvents(fn)).length;
      const preview = await anonymous.validateCoupon({ code: "light-20", lines: cart });
      expect(preview).toMatchObject({
        valid: true,
        reason: "",
        subtotal: { amountMinor: 5000n, currency: "EUR" },
        discount: { amountMinor: 800n, currency: "EUR" },
        total: { amountMinor: 4200n, currency: "EUR" },
        promotions: ["Light"],
      });
      // Previewing twice changes nothing: the single-use coupon is still free.
      await anonymous.validateCoupon({ code: "LIGHT-20", lines: cart });
      const { promotions } = await admin.listPromotions({});
      expect(promotions.find((p) => p.id === created?.id)?.redemptionCount).toBe(0);
      expect((await publishedEvents(fn)).length).toBe(eventsBefore);
    });

    it("says why a code cannot be used", async () => {
      await create_({
        name: "Expired",
        code: "SAVE10",
        endsAt: timestampFromDate(new Date(Date.now() - 1000)),
      });
      await create_({ name: "Big", code: "BIG50", minimumOrder: eur(5001n) });
      expect(await anonymous.validateCoupon({ code: "save10", lines: cart })).toMatchObject({
        valid: false,
        reason: "The code SAVE10 has expired.",
        discount: { amountMinor: 0n },
        total: { amountMinor: 5000n },
      });
      expect(await anonymous.validateCoupon({ code: "BIG50", lines: cart })).toMatchObject({
        valid: false,
        reason: "The code BIG50 needs an order of at least 50.01 EUR.",
      });
      expect(await anonymous.validateCoupon({ code: "NOPE", lines: cart })).toMatchObject({
        valid: false,
        reason: "The code NOPE does not exist. Please check how it is spelled.",
      });
    });

    it("knows a single-use coupon already redeemed, and a logged-in customer's own limit", async () => {
      await create_({ name: "Used", code: "USED-1", singleUse: true });
      await create_({ name: "Mine once", code: "MINE-ONCE", maxPerCustomer: 1 });
      const lines = [orderLine("lamp", "lighting", 1, 2000n)];
      await fn.receive(orderPlaced("o-used", { customerId: "someone", couponCode: "USED-1", lines }));
      await fn.receive(
        orderPlaced("o-mine", { customerId: CUSTOMER.userId, couponCode: "MINE-ONCE", lines }),
      );
      expect(await anonymous.validateCoupon({ code: "used-1", lines: cart })).toMatchObject({
        valid: false,
        reason: "The coupon USED-1 has already been used.",
      });
      expect(await customer.validateCoupon({ code: "MINE-ONCE", lines: cart })).toMatchObject({
        valid: false,
        reason: "You have already used the code MINE-ONCE.",
      });
      expect(await anonymous.validateCoupon({ code: "MINE-ONCE", lines: cart })).toMatchObject({
        valid: true,
      });
    });

    it("includes the automatic promotions in the preview", async () => {
      await create_({
        name: "Bulb days",
        category: "bulbs",
        discount: { case: "amountOff", value: eur(250n) },
      });
      await create_({ name: "Bulb coupon", code: "BULB-10" });
      expect(await anonymous.validateCoupon({ code: "BULB-10", lines: cart })).toMatchObject({
        valid: true,
        discount: { amountMinor: 500n + 250n },
        total: { amountMinor: 4250n },
        promotions: ["Bulb coupon", "Bulb days"],
      });
    });

    it("asks for a code and a well-formed cart", async () => {
      expect(await codeOf(anonymous.validateCoupon({ code: "  ", lines: cart }))).toBe(Code.InvalidArgument);
      const mixed = [
        ...cart,
        create(CartLineSchema, {
          productId: "x",
          quantity: 1,
          unitPrice: create(MoneySchema, { amountMinor: 1n, currency: "USD" }),
        }),
      ];
      expect(await codeOf(anonymous.validateCoupon({ code: "BULB-10", lines: mixed }))).toBe(
        Code.InvalidArgument,
      );
      expect(
        await codeOf(anonymous.validateCoupon({ code: "BULB-10", lines: [cartLine("x", "y", 0, 100n)] })),
      ).toBe(Code.InvalidArgument);
    });
  });
});
