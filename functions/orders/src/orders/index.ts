/**
 * The verbs of orders, free of transport: what its RPC methods and event handlers call.
 */
export { type CancelOrderInput, cancelOrder } from "./cancel-order.ts";
export { type ConfirmOrderInput, confirmOrder } from "./confirm-order.ts";
export type { SagaClock, SagaTiming } from "./deadlines.ts";
export { type GetOrderInput, getOrder } from "./get-order.ts";
export { type GetOrderHistoryInput, getOrderHistory } from "./get-order-history.ts";
export { type ListOrdersInput, listOrders, type OrderFilters, type OrderPage } from "./list-orders.ts";
export { toOrderMessage } from "./messages.ts";
export { createOrderNotifier, type OrderNotifier } from "./notifier.ts";
export { type PlaceOrderInput, type PlaceOrderResult, placeOrder } from "./place-order.ts";
export { type Pricing, priceOrder } from "./price-order.ts";
export {
  cancelOverdueOrders,
  type Reconciled,
  reaskOverdueOrders,
  TIMED_OUT_REASON,
} from "./reconcile-orders.ts";
export { type ConsumedOrderEvent, consumedEvent, recordOrderEvent } from "./record-order-event.ts";
export { type ProductState, recordProduct } from "./record-product.ts";
export { type RecordRefundInput, recordRefund } from "./record-refund.ts";
export { hasLeft, recordShipment, type ShipmentUpdate } from "./record-shipment.ts";
export { recordShippingOption, type ShippingOptionState } from "./record-shipping-option.ts";
export {
  type CancellationResult,
  MAX_CANCEL_REASON_LENGTH,
  type RequestCancellationInput,
  requestCancellation,
} from "./request-cancellation.ts";
export { type MarkReservedInput, markReserved } from "./reserve-order.ts";
export type { ShippingRequest } from "./ship-to.ts";
export type { SagaOutcome } from "./transition.ts";
export {
  type WatchDeps,
  type WatchOrderInput,
  type WatchTiming,
  watchEnds,
  watchOrder,
} from "./watch-order.ts";
