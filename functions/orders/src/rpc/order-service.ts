/**
 * OrderService over Connect: convert the request, call a verb, convert the result. Refusals are the
 * verbs' DomainErrors, which the runtime's error interceptor turns into Connect codes.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type App, caller } from "@shop/runtime";
import { CancellationCause } from "@shop/schemas/orders/v1/events";
import {
  CancelOrderResponseSchema,
  GetOrderHistoryResponseSchema,
  GetOrderResponseSchema,
  ListOrdersResponseSchema,
  type OrderService,
  PlaceOrderResponseSchema,
  WatchOrderResponseSchema,
} from "@shop/schemas/orders/v1/orders";
import { reasonLabel } from "../metrics/saga-metrics.ts";
import {
  getOrder,
  getOrderHistory,
  listOrders,
  placeOrder,
  requestCancellation,
  toOrderMessage,
  watchOrder,
} from "../orders/index.ts";
import { isFinal } from "../orders/status.ts";
import type { OrdersDeps } from "../setup.ts";
import { toHistoryEvent, toOrderFilters } from "./search.ts";

/** The implementation of OrderService with orders' `deps`, on `app`. */
export function orderService(deps: OrdersDeps, app: App): ServiceImpl<typeof OrderService> {
  return {
    async placeOrder(request, context) {
      const { order } = await app.transaction((tx) =>
        placeOrder(
          tx,
          {
            customerId: caller(context).userId,
            idempotencyKey: request.idempotencyKey,
            lines: request.lines.map(({ productId, quantity }) => ({ productId, quantity })),
            couponCode: request.couponCode,
            paymentToken: request.paymentToken,
            cartId: request.cartId,
            shipping: {
              address: request.shippingAddress && { ...request.shippingAddress },
              option: request.shippingOption,
            },
          },
          deps,
        ),
      );
      return create(PlaceOrderResponseSchema, { order: toOrderMessage(order) });
    },

    async getOrder(request, context) {
      const order = await getOrder(app.db, { orderId: request.id, viewer: caller(context) });
      return create(GetOrderResponseSchema, { order: toOrderMessage(order) });
    },

    async listOrders(request, context) {
      const page = await listOrders(app.db, {
        viewer: caller(context),
        pageSize: request.pageSize,
        pageToken: request.pageToken,
        filters: toOrderFilters(request),
      });
      return create(ListOrdersResponseSchema, {
        orders: page.orders.map(toOrderMessage),
        nextPageToken: page.nextPageToken,
      });
    },

    async getOrderHistory(request, context) {
      const events = await getOrderHistory(app.db, { orderId: request.orderId, viewer: caller(context) });
      return create(GetOrderHistoryResponseSchema, { events: events.map(toHistoryEvent) });
    },

    async *watchOrder(request, context) {
      const input = { orderId: request.id, viewer: caller(context), signal: context.signal };
      for await (const order of watchOrder(app.db, input, deps)) {
        yield create(WatchOrderResponseSchema, { order: toOrderMessage(order) });
      }
    },

    async cancelOrder(request, context) {
      const viewer = caller(context);
      const result = await app.transaction(async (tx) => {
        const outcome = await requestCancellation(tx, {
          orderId: request.id,
          viewer,
          reason: request.reason,
        });
        if (outcome.cancelled) {
          const { order, previous } = outcome;
          tx.afterCommit(() => {
            deps.notifier.notify(order.id);
            // A CONFIRMED order had finished its saga already: it is not counted twice.
            if (!isFinal(previous.status)) {
              const cause = order.cancelledBy === "CUSTOMER" ? "CUSTOMER_REQUESTED" : "ADMIN_REQUESTED";
              deps.sagaMetrics.finished(order, reasonLabel(CancellationCause[cause]));
            }
          });
        }
        return outcome;
      });
      return create(CancelOrderResponseSchema, { order: toOrderMessage(result.order) });
    },
  };
}
