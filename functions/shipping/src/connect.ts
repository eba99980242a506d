/**
 * The Connect routes of shipping and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { ShippingService } from "@shop/schemas/shipping/v1/shipping";
import { shippingService } from "./rpc/shipping-service.ts";
import type { ShippingDeps } from "./setup.ts";

/** Quotes are open to anyone; customers see their own shipments (the verb checks); moving parcels is for admins. */
export const policy: AccessPolicy = {
  ListShippingOptions: "anonymous",
  GetShipment: "customer",
  DispatchShipment: "admin",
  DeliverShipment: "admin",
};

/** Registers ShippingService. */
export default function routes(router: ConnectRouter, deps: ShippingDeps, app: App): void {
  router.service(ShippingService, shippingService(deps, app));
}
