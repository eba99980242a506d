/**
 * The back office's side of OrderService: ListOrders' filters from the request, and the history's
 * events as messages.
 */
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type ListOrdersRequest,
  OrderEventDirection,
  type OrderHistoryEvent,
  OrderHistoryEventSchema,
} from "@shop/schemas/orders/v1/orders";
import type { OrderEventRow } from "../db/schema.ts";
import { unspecifiedStatusFilter } from "../orders/errors.ts";
import type { OrderFilters } from "../orders/index.ts";
import { statusName } from "../orders/status.ts";

/** The filters of a ListOrders request; a status filter naming no status is refused. */
export function toOrderFilters(request: ListOrdersRequest): OrderFilters {
  const statuses = request.statuses.map((status) => {
    const name = statusName(status);
    if (!name) throw unspecifiedStatusFilter();
    return name;
  });
  return {
    customerId: request.customerId,
    statuses,
    orderId: request.orderId,
    ...(request.createdFrom ? { createdFrom: timestampDate(request.createdFrom) } : {}),
    ...(request.createdBefore ? { createdBefore: timestampDate(request.createdBefore) } : {}),
  };
}

/** One recorded event of an order's history as the wire message. */
export function toHistoryEvent(row: OrderEventRow): OrderHistoryEvent {
  return create(OrderHistoryEventSchema, {
    eventId: row.eventId,
    type: row.eventType,
    source: row.eventSource,
    time: timestampFromDate(row.eventTime),
    recordedAt: timestampFromDate(row.recordedAt),
    direction: row.direction === "emitted" ? OrderEventDirection.EMITTED : OrderEventDirection.CONSUMED,
  });
}
