/**
 * The Connect routes of orders and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { OrderService } from "@shop/schemas/orders/v1/orders";
import { orderService } from "./rpc/order-service.ts";
import type { OrdersDeps } from "./setup.ts";

/** Customers act on their own orders only (the verbs check ownership); admins may read any order. */
export const policy: AccessPolicy = {
  PlaceOrder: "customer",
  GetOrder: "customer",
  ListOrders: "customer",
  WatchOrder: "customer",
  CancelOrder: "customer",
  GetOrderHistory: "customer",
};

/** Registers OrderService. */
export default function routes(router: ConnectRouter, deps: OrdersDeps, app: App): void {
  router.service(OrderService, orderService(deps, app));
}
