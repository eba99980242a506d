/**
 * The inventory's verbs, free of transport: RPC methods and event handlers call these.
 */
export * from "./answers.ts";
export * from "./errors.ts";
export * from "./get-stock.ts";
export * from "./list-stock.ts";
export * from "./release-stock.ts";
export * from "./reserve-stock.ts";
export * from "./sell-stock.ts";
export * from "./set-stock.ts";
export * from "./stock-level.ts";
