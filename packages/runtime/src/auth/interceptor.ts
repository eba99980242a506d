/**
 * Authorisation of every RPC in one interceptor: each method is anonymous, customer or admin.
 */
import {
  Code,
  ConnectError,
  createContextKey,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import type { Principal, TokenVerifier } from "./tokens.ts";

/** Who may call a method. An admin may call customer methods too. */
export type Access = "anonymous" | "customer" | "admin";

/** Access per method name (`PlaceOrder`); a method not listed is admin-only, so nothing is open by mistake. */
export type AccessPolicy = Record<string, Access>;

/** Where the interceptor leaves the caller for the handler. */
export const principalKey = createContextKey<Principal | undefined>(undefined, { description: "caller" });

/** Builds the interceptor that verifies the bearer token and enforces `policy`. */
export function createAuthInterceptor(verifier: TokenVerifier, policy: AccessPolicy): Interceptor {
  return (next) => async (req) => {
    const access = policy[req.method.name] ?? "admin";
    const header = req.header.get("authorization");
    const token = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : undefined;
    if (token) req.contextValues.set(principalKey, await verifier.verify(token));
    const principal = req.contextValues.get(principalKey);
    if (access !== "anonymous" && !principal) {
      throw new ConnectError("Please log in first.", Code.Unauthenticated);
    }
    if (access === "admin" && principal?.role !== "admin") {
      throw new ConnectError("Only an administrator may do this.", Code.PermissionDenied);
    }
    return next(req);
  };
}

/** The caller of a customer or admin method (the interceptor guarantees there is one). */
export function caller(context: HandlerContext): Principal {
  const principal = context.values.get(principalKey);
  if (!principal) throw new ConnectError("Please log in first.", Code.Unauthenticated);
  return principal;
}
