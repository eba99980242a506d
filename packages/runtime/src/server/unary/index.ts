/**
 * The Connect unary fast path (see handler.ts): routes recorded once, the handler, reusable responses.
 */

export { reusableResponse } from "./codec.ts";
export { createUnaryHandler, type UnaryHandlerOptions } from "./handler.ts";
export { type CapturedRoutes, captureRoutes } from "./routes.ts";
