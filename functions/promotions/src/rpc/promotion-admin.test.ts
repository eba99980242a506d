/**
 * The back office's promotions: a promotion's redemptions (held and released), ending one early, who
 * may do either, and the audit entries of CreatePromotion and EndPromotion.
 */
import { isMessage } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import type { RunningFunction } from "@shop/runtime";
import { publishedEvents, startForTest } from "@shop/runtime/testing";
import { type AdminActionRecorded, AdminActionRecordedSchema } from "@shop/schemas/audit/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promotionsFunction } from "../function.ts";
import { orderCancelled, orderLine, orderPlaced, promotionClient } from "../test-support.ts";

const ADMIN = { userId: "admin-1", role: "admin" } as const;
const CUSTOMER = { userId: "customer-7", role: "customer" } as const;

describe("the back office's promotions", () => {
  let fn: RunningFunction;
  let admin: Awaited<ReturnType<typeof promotionClient>>;
  beforeAll(async () => {
    fn = await startForTest(promotionsFunction);
    admin = await promotionClient(fn, ADMIN);
  });
  afterAll(() => fn.close());

  const auditOf = async (target: string) =>
    (await publishedEvents(fn))
      .map((d) => d.message)
      .filter(
        (m): m is AdminActionRecorded => isMessage(m, AdminActionRecordedSchema) && m.target === target,
      );

  async function created(name: string, code: string) {
    const { promotion } = await admin.createPromotion({
      promotion: { name, code, discount: { case: "percentOff", value: 10 } },
    });
    return promotion!;
  }

  describe("ListRedemptions", () => {
    it("lists the orders that used a promotion, newest first, with customer, time, discount and whether released", async () => {
      const promotion = await created("Redeemed ten", "REDEEM-10");
      const lines = [orderLine("p-1", "misc", 2, 1000n)];
      await fn.receive(orderPlaced("r-1", { customerId: "ann", couponCode: "REDEEM-10", lines }));
      await fn.receive(orderPlaced("r-2", { customerId: "bob", couponCode: "redeem-10", lines }));
      await fn.receive(orderPlaced("r-3", { customerId: "cid", couponCode: "REDEEM-10", lines }));
      await fn.receive(orderCancelled("r-2", "bob"));

      const seen: {
        orderId: string;
        customerId: string;
        released: boolean;
        amount?: bigint;
        currency?: string;
      }[] = [];
      let pageToken = "";
      do {
        const page = await admin.listRedemptions({ promotionId: promotion.id, pageSize: 2, pageToken });
        for (const r of page.redemptions) {
          expect(r.promotionId).toBe(promotion.id);
          expect(timestampDate(r.redeemedAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
          seen.push({
            orderId: r.orderId,
            customerId: r.customerId,
            released: r.released,
            amount: r.discount?.amountMinor,
            currency: r.discount?.currency,
          });
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(seen.sort((a, b) => a.orderId.localeCompare(b.orderId))).toEqual([
        { orderId: "r-1", customerId: "ann", released: false, amount: 200n, currency: "EUR" },
        { orderId: "r-2", customerId: "bob", released: true, amount: 200n, currency: "EUR" },
        { orderId: "r-3", customerId: "cid", released: false, amount: 200n, currency: "EUR" },
      ]);
    });

    it("refuses an unknown or missing promotion, a negative page size and a foreign page token, with a sentence", async () => {
      await expect(admin.listRedemptions({ promotionId: "no-such" })).rejects.toMatchObject({
        code: Code.NotFound,
        rawMessage: 'There is no promotion "no-such".',
      });
      await expect(admin.listRedemptions({ promotionId: "" })).rejects.toMatchObject({
        code: Code.InvalidArgument,
        rawMessage: "Please say which promotion (promotion_id is empty).",
      });
      const promotion = await created("Paged", "PAGED-1");
      await expect(admin.listRedemptions({ promotionId: promotion.id, pageSize: -1 })).rejects.toMatchObject({
        code: Code.InvalidArgument,
        rawMessage: "The page size cannot be negative.",
      });
      await expect(
        admin.listRedemptions({ promotionId: promotion.id, pageToken: "xyz" }),
      ).rejects.toMatchObject({
        code: Code.InvalidArgument,
        rawMessage: "The page token is not valid. Please start again from the first page.",
      });
    });
  });

  describe("EndPromotion", () => {
    it("ends a promotion now, so a coupon no longer applies, and refuses to end it twice", async () => {
      const promotion = await created("Ends early", "ENDS-EARLY");
      const before = Date.now();
      const { promotion: ended } = await admin.endPromotion({ id: promotion.id });
      const endsAt = timestampDate(ended!.endsAt!).getTime();
      expect(endsAt).toBeGreaterThanOrEqual(before - 1000);
      expect(endsAt).toBeLessThanOrEqual(Date.now());
      const preview = await admin.validateCoupon({
        code: "ENDS-EARLY",
        lines: [
          {
            productId: "p-1",
            category: "misc",
            quantity: 1,
            unitPrice: { amountMinor: 1000n, currency: "EUR" },
          },
        ],
      });
      expect(preview.valid).toBe(false);

      await expect(admin.endPromotion({ id: promotion.id })).rejects.toMatchObject({
        code: Code.FailedPrecondition,
        rawMessage: expect.stringMatching(/^The promotion "Ends early" already ended on \d{4}-/),
      });
    });

    it("ends a promotion that had not started yet: it never will", async () => {
      const { promotion } = await admin.createPromotion({
        promotion: {
          name: "Next year",
          code: "NEXT-YEAR",
          discount: { case: "percentOff", value: 5 },
          startsAt: timestampFromDate(new Date(Date.now() + 365 * 24 * 3600_000)),
        },
      });
      const { promotion: ended } = await admin.endPromotion({ id: promotion!.id });
      expect(timestampDate(ended!.startsAt!).getTime()).toBe(timestampDate(ended!.endsAt!).getTime());
    });

    it("refuses an unknown or missing id with a sentence", async () => {
      await expect(admin.endPromotion({ id: "no-such" })).rejects.toMatchObject({
        code: Code.NotFound,
        rawMessage: 'There is no promotion "no-such".',
      });
      await expect(admin.endPromotion({ id: " " })).rejects.toMatchObject({
        code: Code.InvalidArgument,
        rawMessage: "Please say which promotion to end (id is empty).",
      });
    });
  });

  it("lets only administrators list redemptions or end a promotion", async () => {
    const promotion = await created("Guarded", "GUARDED-1");
    const customer = await promotionClient(fn, CUSTOMER);
    const anonymous = await promotionClient(fn);
    for (const client of [customer, anonymous]) {
      const code = client === customer ? Code.PermissionDenied : Code.Unauthenticated;
      await expect(client.listRedemptions({ promotionId: promotion.id })).rejects.toMatchObject({ code });
      await expect(client.endPromotion({ id: promotion.id })).rejects.toMatchObject({ code });
    }
    await expect(customer.endPromotion({ id: promotion.id })).rejects.toMatchObject({
      rawMessage: "Only an administrator may do this.",
    });
    const { promotions } = await admin.listPromotions({});
    expect(promotions.find((p) => p.id === promotion.id)?.endsAt).toBeUndefined();
  });

  it("records CreatePromotion and EndPromotion for the audit log, with before and after", async () => {
    const promotion = await created("Audited", "AUDITED-1");
    await admin.endPromotion({ id: promotion.id });
    await expect(admin.endPromotion({ id: promotion.id })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });
    const entries = await auditOf(promotion.id);
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ["promotions.CreatePromotion", "admin-1"],
      ["promotions.EndPromotion", "admin-1"],
    ]);
    expect(entries[0]?.before).toBe("");
    expect(JSON.parse(entries[0]?.after ?? "")).toMatchObject({
      name: "Audited",
      code: "AUDITED-1",
      endsAt: null,
    });
    expect(JSON.parse(entries[1]?.before ?? "")).toMatchObject({ endsAt: null });
    expect(JSON.parse(entries[1]?.after ?? "")).toMatchObject({ endsAt: expect.stringMatching(/^\d{4}-/) });
  });
});
