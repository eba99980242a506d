/**
 * The payments' verbs and provider seam, free of transport: the event handlers call these.
 */
export * from "./charge-payment.ts";
export * from "./errors.ts";
export * from "./provider.ts";
export * from "./refund-payment.ts";
