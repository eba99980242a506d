/**
 * OrderService over Connect: check the caller, call a verb, map the result and the domain errors.
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
import type { OrdersConfig } from "../config.ts";
import { InvalidOrderRequestError, OrderNotFoundError } from "../orders/errors.ts";
import { getOrder } from "../orders/get-order.ts";
import { listOrders } from "../orders/list-orders.ts";
import { toOrderMessage } from "../orders/messages.ts";
import { notifierFor } from "../orders/notifier.ts";
import { placeOrder } from "../orders/place-order.ts";
import { watchOrder } from "../orders/watch-order.ts";

/** The implementation of OrderService on `app`. */
export function orderService(app: App, config: OrdersConfig): ServiceImpl<typeof OrderService> {
  return {
    async placeOrder(request, context) {
      const { userId } = caller(context);
      const { order } = await mapErrors(() =>
        app.transaction((tx) =>
          placeOrder(tx, {
            customerId: userId,
            idempotencyKey: request.idempotencyKey,
            lines: request.lines.map(({ productId, quantity }) => ({ productId, quantity })),
            couponCode: request.couponCode,
            paymentToken: request.paymentToken,
          }),
        ),
      );
      return create(PlaceOrderResponseSchema, { order: toOrderMessage(order) });
    },

    async getOrder(request, context) {
      const order = await mapErrors(() => getOrder(app.db, request.id, caller(context)));
      return create(GetOrderResponseSchema, { order: toOrderMessage(order) });
    },

    async listOrders(request, context) {
      const { userId } = caller(context);
      const page = await mapErrors(() => listOrders(app.db, userId, request));
      return create(ListOrdersResponseSchema, {
        orders: page.orders.map(toOrderMessage),
        nextPageToken: page.nextPageToken,
      });
    },

    async *watchOrder(request, context) {
      const states = watchOrder(app.db, notifierFor(app), request.id, caller(context), {
        pollMs: config.watchPollMs,
        maxMs: config.watchMaxMs,
        signal: context.signal,
      });
      try {
        for await (const order of states) {
          yield create(WatchOrderResponseSchema, { order: toOrderMessage(order) });
        }
      } catch (error) {
        throw toConnectError(error);
      }
    },
  };
}

async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toConnectError(error);
  }
}

/** A domain error as the ConnectError a client sees; anything else passes to the error interceptor. */
function toConnectError(error: unknown): unknown {
  if (error instanceof InvalidOrderRequestError) return new ConnectError(error.message, Code.InvalidArgument);
  if (error instanceof OrderNotFoundError) return new ConnectError(error.message, Code.NotFound);
  return error;
}
