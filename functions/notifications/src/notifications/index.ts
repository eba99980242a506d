/**
 * The verbs of notifications, free of transport.
 */
export * from "./claim-due-emails.ts";
export * from "./owe-email.ts";
export * from "./prune-emails.ts";
export * from "./record-attempt.ts";
export * from "./record-user.ts";
export * from "./render-email.ts";
export * from "./send-due.ts";
