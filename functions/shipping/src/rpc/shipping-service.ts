/**
 * ShippingService over Connect: convert the request, call a verb, convert the result. Refusals are
 * the verbs' DomainErrors, which the runtime's error interceptor turns into Connect codes.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type App, caller, recordAdminAction } from "@shop/runtime";
import {
  DeliverShipmentResponseSchema,
  DispatchShipmentResponseSchema,
  GetShipmentResponseSchema,
  ListShippingOptionsResponseSchema,
  type ShippingService,
} from "@shop/schemas/shipping/v1/shipping";
import type { ShippingDeps } from "../setup.ts";
import {
  deliverShipment,
  dispatchShipment,
  getShipment,
  listShippingOptions,
  toOptionMessage,
  toShipmentMessage,
} from "../shipping/index.ts";

/** The implementation of ShippingService with shipping's `deps`, on `app`. */
export function shippingService(deps: ShippingDeps, app: App): ServiceImpl<typeof ShippingService> {
  return {
    async listShippingOptions(request) {
      const options = await listShippingOptions(app.db, {
        country: request.country,
        subtotal: request.subtotal,
      });
      return create(ListShippingOptionsResponseSchema, { options: options.map(toOptionMessage) });
    },

    async getShipment(request, context) {
      const shipment = await getShipment(app.db, { orderId: request.orderId, viewer: caller(context) });
      return create(GetShipmentResponseSchema, { shipment: toShipmentMessage(shipment) });
    },

    async dispatchShipment(request, context) {
      const shipment = await app.transaction(async (tx) => {
        const input = {
          orderId: request.orderId,
          carrier: request.carrier,
          trackingNumber: request.trackingNumber,
        };
        const dispatched = await dispatchShipment(tx, input, deps);
        // An admin's hand, not the dev carrier's: recorded in the audit log with the change.
        await recordAdminAction(tx, {
          actor: caller(context),
          action: "shipping.DispatchShipment",
          target: dispatched.id,
          before: { status: "PREPARING" },
          after: dispatched,
        });
        return dispatched;
      });
      return create(DispatchShipmentResponseSchema, { shipment: toShipmentMessage(shipment) });
    },

    async deliverShipment(request, context) {
      const shipment = await app.transaction(async (tx) => {
        const delivered = await deliverShipment(tx, { orderId: request.orderId }, deps);
        await recordAdminAction(tx, {
          actor: caller(context),
          action: "shipping.DeliverShipment",
          target: delivered.id,
          before: { status: "DISPATCHED" },
          after: delivered,
        });
        return delivered;
      });
      return create(DeliverShipmentResponseSchema, { shipment: toShipmentMessage(shipment) });
    },
  };
}
