/**
 * The payments' verbs and provider seam, free of transport: the event handlers call these.
 */
export * from "./charge-payment.ts";
export * from "./errors.ts";
export * from "./messages.ts";
export * from "./provider.ts";
export * from "./reconcile-payment.ts";
export * from "./refund-payment.ts";
export * from "./test-provider.ts";
