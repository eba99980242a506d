/**
 * The emails' templates: small pure functions from an event's data and links to a subject, a plain
 * text and an HTML body (every given string escaped).
 */
export * from "./account.ts";
export * from "./layout.ts";
export * from "./orders.ts";
