/**
 * @shop/runtime: what every Shop function shares.
 */
export * from "./auth/index.ts";
export * from "./config.ts";
export * from "./db/database.ts";
export * from "./db/tables.ts";
export * from "./events/codec.ts";
export * from "./events/subscriptions.ts";
export * from "./function.ts";
export * from "./handle.ts";
export * from "./log/index.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
export * from "./outbox/outbox.ts";
export * from "./outbox/relay.ts";
export * from "./secrets/index.ts";
export { createRequestHandler, MAX_EVENT_BYTES, readBody } from "./server/http.ts";
export { answerCors, CLIENT_ADDRESS_HEADER, clientAddress, clientAddressOf } from "./server/security.ts";
export { reusableResponse } from "./server/unary.ts";
