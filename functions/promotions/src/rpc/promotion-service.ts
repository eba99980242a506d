/**
 * PromotionService: convert the request, call a verb, convert the result. The verbs' DomainErrors
 * reach the client through the runtime's error interceptor.
 */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type App, money, principalKey } from "@shop/runtime";
import {
  CreatePromotionResponseSchema,
  ListPromotionsResponseSchema,
  type PromotionService,
  ValidateCouponResponseSchema,
} from "@shop/schemas/promotions/v1/promotions";
import { createPromotion } from "../promotions/create-promotion.ts";
import { listPromotions } from "../promotions/list-promotions.ts";
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
    async createPromotion(request) {
      const input = promotionInput(request.promotion);
      const created = await app.transaction((tx) => createPromotion(tx, { ...input, now: new Date() }));
      return create(CreatePromotionResponseSchema, { promotion: promotionMessage(created) });
    },
    async listPromotions() {
      const promotions = await listPromotions(app.db);
      return create(ListPromotionsResponseSchema, { promotions: promotions.map(promotionMessage) });
    },
  };
}

function customerOf(context: HandlerContext): string | undefined {
  return context.values.get(principalKey)?.userId;
}
