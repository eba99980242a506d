/**
 * ShippingService over Connect: convert the request, call a verb, convert the result. Refusals are
 * the verbs' DomainErrors, which the runtime's error interceptor turns into Connect codes.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type App, caller } from "@shop/runtime";
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

    async dispatchShipment(request) {
      const shipment = await app.transaction((tx) =>
        dispatchShipment(
          tx,
          { orderId: request.orderId, carrier: request.carrier, trackingNumber: request.trackingNumber },
          deps,
        ),
      );
      return create(DispatchShipmentResponseSchema, { shipment: toShipmentMessage(shipment) });
    },

    async deliverShipment(request) {
      const shipment = await app.transaction((tx) => deliverShipment(tx, { orderId: request.orderId }, deps));
      return create(DeliverShipmentResponseSchema, { shipment: toShipmentMessage(shipment) });
    },
  };
}
