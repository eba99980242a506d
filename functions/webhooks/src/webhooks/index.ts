/**
 * The verbs of webhooks, free of transport.
 */
export * from "./addresses.ts";
export * from "./claim-due.ts";
export * from "./create-endpoint.ts";
export * from "./deliver-due.ts";
export * from "./disable-endpoint.ts";
export * from "./endpoint-input.ts";
export * from "./enqueue-deliveries.ts";
export * from "./errors.ts";
export * from "./manage-endpoint.ts";
export * from "./prune-deliveries.ts";
export * from "./read-endpoints.ts";
export * from "./record-attempt.ts";
export * from "./redeliver-delivery.ts";
export * from "./report.ts";
export * from "./schedule.ts";
export * from "./secrets.ts";
export * from "./send.ts";
export * from "./sender.ts";
export * from "./signing.ts";
export * from "./target.ts";
