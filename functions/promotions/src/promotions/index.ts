/**
 * The verbs of promotions, free of transport: RPC methods and event handlers call these.
 */
export * from "./answer-again.ts";
export * from "./assess-cart.ts";
export * from "./create-promotion.ts";
export * from "./end-promotion.ts";
export * from "./errors.ts";
export * from "./list-promotions.ts";
export * from "./list-redemptions.ts";
export * from "./preview-coupon.ts";
export * from "./price-order.ts";
export * from "./pricing.ts";
export * from "./reasons.ts";
export * from "./release-order.ts";
