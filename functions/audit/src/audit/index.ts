/**
 * The verbs of audit, free of transport. There is no verb that changes or removes an entry.
 */
export * from "./errors.ts";
export * from "./list-entries.ts";
export * from "./record-entry.ts";
