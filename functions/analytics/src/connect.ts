/**
 * The Connect routes of analytics and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { AnalyticsService } from "@shop/schemas/analytics/v1/analytics";
import { analyticsService } from "./rpc/analytics-service.ts";
import type { AnalyticsDeps } from "./setup.ts";

/** Who may call each method: sales figures and their rebuild are for admins only. */
export const policy: AccessPolicy = {
  GetSalesReport: "admin",
  ReplayAnalytics: "admin",
};

/** Registers AnalyticsService. */
export default function routes(router: ConnectRouter, deps: AnalyticsDeps, app: App): void {
  router.service(AnalyticsService, analyticsService(deps, app));
}
