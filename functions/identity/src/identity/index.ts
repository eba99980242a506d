/**
 * The verbs of identity, free of transport.
 */
export * from "./address-limiter.ts";
export * from "./ensure-admin.ts";
export * from "./errors.ts";
export * from "./get-user.ts";
export * from "./login.ts";
export * from "./logout.ts";
export * from "./passwords.ts";
export * from "./refresh.ts";
export * from "./register.ts";
export * from "./tokens.ts";
export * from "./users.ts";
