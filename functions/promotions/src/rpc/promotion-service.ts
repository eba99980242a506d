/**
 * PromotionService: convert the request, call a verb, convert the result. The verbs' DomainErrors
 * reach the client through the runtime's error interceptor.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type App, caller, money, principalKey } from "@shop/runtime";
import {
  CreatePromotionResponseSchema,
  EndPromotionResponseSchema,
  ListPromotionsResponseSchema,
  ListRedemptionsResponseSchema,
  type PromotionService,
  ValidateCouponResponseSchema,
} from "@shop/schemas/promotions/v1/promotions";
import { createPromotion } from "../promotions/create-promotion.ts";
import { endPromotion } from "../promotions/end-promotion.ts";
import { listPromotions } from "../promotions/list-promotions.ts";
import { listRedemptions } from "../promotions/list-redemptions.ts";
import { previewCoupon } from "../promotions/preview-coupon.ts";
import { cartOf, promotionInput, promotionMessage } from "./messages.ts";

/** The PromotionService implementation over `app`'s database. */
export function promotionService(app: Pick<App, "db" | "transaction">): ServiceImpl<typeof PromotionService> {
  return {
    async validateCoupon(request, context) {
      const cart = cartOf(request.lines);
      // Anonymous, but a logged-in customer also learns about their own per-customer limit.
      const customerId = customerOf(context);
      const preview = await previewCoupon(app.db, { code: request.code, cart, customerId, now: new Date() });
      return create(ValidateCouponResponseSchema, {
        valid: preview.valid,
        reason: preview.reason,
        subtotal: money(preview.subtotal, cart.currency),
        discount: money(preview.discount, cart.currency),
        total: money(preview.total, cart.currency),
        promotions: preview.promotions,
      });
    },
    async createPromotion(request, context) {
      const input = promotionInput(request.promotion);
      const actor = caller(context);
      const created = await app.transaction((tx) =>
        createPromotion(tx, { ...input, now: new Date(), actor }),
      );
      return create(CreatePromotionResponseSchema, { promotion: promotionMessage(created) });
    },
    async listPromotions() {
      const promotions = await listPromotions(app.db);
      return create(ListPromotionsResponseSchema, { promotions: promotions.map(promotionMessage) });
    },
    async listRedemptions(request) {
      const page = await listRedemptions(app.db, request);
      return create(ListRedemptionsResponseSchema, {
        redemptions: page.redemptions.map((r) => ({
          promotionId: r.promotionId,
          orderId: r.orderId,
          customerId: r.customerId,
          redeemedAt: timestampFromDate(r.redeemedAt),
          discount: money(r.discount, r.currency),
          released: r.released,
        })),
        nextPageToken: page.nextPageToken,
      });
    },
    async endPromotion(request, context) {
      const actor = caller(context);
      const ended = await app.transaction((tx) =>
        endPromotion(tx, { id: request.id, now: new Date(), actor }),
      );
      return create(EndPromotionResponseSchema, { promotion: promotionMessage(ended) });
    },
  };
}

function customerOf(context: HandlerContext): string | undefined {
  return context.values.get(principalKey)?.userId;
}
