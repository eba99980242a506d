/**
 * The verbs of shipping, free of transport: what its RPC methods, event handlers and ticks call.
 */
export { type CancelShipmentOutcome, cancelShipment } from "./cancel-shipment.ts";
export { dueAfter, type ShippingClock } from "./clock.ts";
export { type CreateShipmentInput, type CreateShipmentOutcome, createShipment } from "./create-shipment.ts";
export { deliverShipment } from "./deliver-shipment.ts";
export { type CarrierRun, DEV_CARRIER, runDevCarrier } from "./dev-carrier.ts";
export { type DispatchShipmentInput, dispatchShipment } from "./dispatch-shipment.ts";
export { getShipment } from "./get-shipment.ts";
export { type ListOptionsInput, listShippingOptions, type PricedOption } from "./list-options.ts";
export { toOptionMessage, toShipmentMessage } from "./messages.ts";
export { EU_COUNTRIES, type OptionDefinition, SHIPPING_OPTIONS } from "./options.ts";
export { type PublishOptionsInput, publishOptions } from "./publish-options.ts";
