/**
 * The Connect routes of promotions and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { PromotionService } from "@shop/schemas/promotions/v1/promotions";
import { promotionService } from "./rpc/promotion-service.ts";

/** Who may call each method: previews are open to anyone; managing promotions is for admins. */
export const policy: AccessPolicy = {
  ValidateCoupon: "anonymous",
  CreatePromotion: "admin",
  ListPromotions: "admin",
  ListRedemptions: "admin",
  EndPromotion: "admin",
};

/** Registers PromotionService; promotions has no dependencies of its own, only the runtime's `app`. */
export default function routes(router: ConnectRouter, _deps: undefined, app: App): void {
  router.service(PromotionService, promotionService(app));
}
