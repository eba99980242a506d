/**
 * PromotionService: validate the request, call a verb, map the result and the domain errors.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { type App, principalKey } from "@shop/runtime";
import {
  CreatePromotionResponseSchema,
  ListPromotionsResponseSchema,
  type PromotionService,
  ValidateCouponResponseSchema,
} from "@shop/schemas/promotions/v1/promotions";
import { createPromotion } from "../promotions/create-promotion.ts";
import { DuplicateCodeError, InvalidRequestError } from "../promotions/errors.ts";
import { listPromotions } from "../promotions/list-promotions.ts";
import { previewCoupon } from "../promotions/preview-coupon.ts";
import { cartOf, money, promotionInput, promotionMessage } from "./messages.ts";

/** The PromotionService implementation over `app`. */
export function promotionService(app: App): ServiceImpl<typeof PromotionService> {
  return {
    async validateCoupon(request, context) {
      return mapErrors(async () => {
        const cart = cartOf(request.lines);
        // Anonymous, but a logged-in customer also learns about their own per-customer limit.
        const customerId = customerOf(context);
        const preview = await previewCoupon(app.db, {
          code: request.code,
          cart,
          customerId,
          now: new Date(),
        });
        return create(ValidateCouponResponseSchema, {
          valid: preview.valid,
          reason: preview.reason,
          subtotal: money(preview.subtotal, cart.currency),
          discount: money(preview.discount, cart.currency),
          total: money(preview.total, cart.currency),
          promotions: preview.promotions,
        });
      });
    },
    async createPromotion(request) {
      return mapErrors(async () => {
        const input = promotionInput(request.promotion);
        const created = await app.transaction(({ db }) => createPromotion(db, input, new Date()));
        return create(CreatePromotionResponseSchema, { promotion: promotionMessage(created) });
      });
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

async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof InvalidRequestError) throw new ConnectError(error.message, Code.InvalidArgument);
    if (error instanceof DuplicateCodeError) throw new ConnectError(error.message, Code.AlreadyExists);
    throw error;
  }
}
