/**
 * identity's Connect routes and who may call each method.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { identityService } from "./rpc/identity-service.ts";
import type { IdentityDeps } from "./setup.ts";

/** Who may call what: getting tokens needs none; Me needs one. */
export const policy: AccessPolicy = {
  Register: "anonymous",
  Login: "anonymous",
  Refresh: "anonymous",
  Logout: "anonymous",
  Me: "customer",
  VerifyEmail: "anonymous",
  RequestPasswordReset: "anonymous",
  ResetPassword: "anonymous",
};

/** The routes of identity. */
export default function routes(router: ConnectRouter, deps: IdentityDeps, app: App): void {
  router.service(IdentityService, identityService(deps, app));
}
