/**
 * OrderService over Connect: convert the request, call a verb, convert the result. Refusals are the
 * verbs' DomainErrors, which the runtime's error interceptor turns into Connect codes.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { type App, caller } from "@shop/runtime";
import {
  GetOrderResponseSchema,
  ListOrdersResponseSchema,
  type OrderService,
  PlaceOrderResponseSchema,
  WatchOrderResponseSchema,
} from "@shop/schemas/orders/v1/orders";
import { getOrder, listOrders, placeOrder, toOrderMessage, watchOrder } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";

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
        customerId: caller(context).userId,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      return create(ListOrdersResponseSchema, {
        orders: page.orders.map(toOrderMessage),
        nextPageToken: page.nextPageToken,
      });
    },

    async *watchOrder(request, context) {
      const input = { orderId: request.id, viewer: caller(context), signal: context.signal };
      for await (const order of watchOrder(app.db, input, deps)) {
        yield create(WatchOrderResponseSchema, { order: toOrderMessage(order) });
      }
    },

    async cancelOrder() {
      throw new ConnectError("CancelOrder is not available yet.", Code.Unimplemented);
    },
  };
}
