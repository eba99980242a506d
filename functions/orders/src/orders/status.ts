/**
 * The order's life cycle: PENDING < PRICED < RESERVED < (CONFIRMED | CANCELLED). Status only moves
 * forward, so a late or redelivered saga event never moves an order back or out of a final state.
 */
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import type { OrderStatusName } from "../db/schema.ts";

const RANK: Record<OrderStatusName, number> = {
  PENDING: 1,
  PRICED: 2,
  RESERVED: 3,
  CONFIRMED: 4,
  CANCELLED: 4,
};

/** The final statuses: an order in one of them never changes again. */
export const FINAL_STATUSES: readonly OrderStatusName[] = ["CONFIRMED", "CANCELLED"];

/** True when `status` is final. */
export function isFinal(status: OrderStatusName): boolean {
  return FINAL_STATUSES.includes(status);
}

/** The statuses an order may move to `target` from (those strictly before it). */
export function statusesBefore(target: OrderStatusName): OrderStatusName[] {
  return (Object.keys(RANK) as OrderStatusName[]).filter((status) => RANK[status] < RANK[target]);
}

/** The wire enum of a stored status. */
export function toOrderStatus(status: OrderStatusName): OrderStatus {
  return OrderStatus[status];
}

/** The stored status of a wire enum; undefined for UNSPECIFIED or a value this version does not know. */
export function statusName(status: OrderStatus): OrderStatusName | undefined {
  const name = OrderStatus[status] as string | undefined;
  return name && name in RANK ? (name as OrderStatusName) : undefined;
}
