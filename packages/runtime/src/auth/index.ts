export * from "./interceptor.ts";
export * from "./keys.ts";
export * from "./tokens.ts";
