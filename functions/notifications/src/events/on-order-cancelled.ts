/**
 * OrderCancelled: the cancellation email is owed to the customer (parked until their address is known).
 */
import type { EventContext } from "@shop/runtime";
import { type OrderCancelled, OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import type { NotificationsDeps } from "../setup.ts";
import { owe } from "./owe.ts";

/** Owes the cancellation email. */
export async function onOrderCancelled(
  message: OrderCancelled,
  context: EventContext<NotificationsDeps>,
): Promise<boolean> {
  return owe(context, OrderCancelledSchema, message, { kind: "cancellation", userId: message.customerId });
}
