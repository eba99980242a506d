/**
 * AnalyticsService: convert the request, call a verb, convert the result. The verbs' DomainErrors
 * reach the client through the runtime's error interceptor.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type App, money } from "@shop/runtime";
import {
  type AnalyticsService,
  GetSalesReportResponseSchema,
  ReplayAnalyticsResponseSchema,
} from "@shop/schemas/analytics/v1/analytics";
import { getSalesReport, replayAnalytics, replayUnderWay } from "../analytics/index.ts";
import { subscriptions } from "../events/subscriptions.ts";
import type { AnalyticsDeps } from "../setup.ts";

/** The AnalyticsService implementation over `app`'s database and analytics' deps. */
export function analyticsService(deps: AnalyticsDeps, app: App): ServiceImpl<typeof AnalyticsService> {
  return {
    async getSalesReport(request) {
      const report = await getSalesReport(app.db, {
        fromDay: request.fromDay,
        toDay: request.toDay,
        top: request.top,
      });
      return create(GetSalesReportResponseSchema, {
        days: report.days.map((day) => ({
          day: day.day,
          ordersPlaced: day.ordersPlaced,
          ordersConfirmed: day.ordersConfirmed,
          ordersCancelled: day.ordersCancelled,
          revenue: day.revenue.map((a) => money(a.amountMinor, a.currency)),
        })),
        ordersPlaced: report.ordersPlaced,
        ordersConverted: report.ordersConverted,
        conversion: report.conversion,
        topProducts: report.topProducts.map((p) => ({
          productId: p.productId,
          productName: p.productName,
          units: p.units,
          revenue: money(p.revenue.amountMinor, p.revenue.currency),
        })),
        coupons: report.coupons.map((c) => ({
          code: c.code,
          redemptions: c.redemptions,
          discount: money(c.discount.amountMinor, c.discount.currency),
        })),
        cancellations: report.cancellations,
      });
    },
    async replayAnalytics() {
      if (deps.replaying.now) throw replayUnderWay();
      deps.replaying.now = true;
      try {
        const outcome = await replayAnalytics({ readTopic: deps.readTopic, subscriptions, app });
        return create(ReplayAnalyticsResponseSchema, {
          eventsRead: BigInt(outcome.eventsRead),
          orders: outcome.orders,
        });
      } finally {
        deps.replaying.now = false;
      }
    },
  };
}
