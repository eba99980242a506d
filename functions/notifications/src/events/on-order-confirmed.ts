/**
 * OrderConfirmed: the receipt is owed to the customer (parked until their address is known).
 */
import type { EventContext } from "@shop/runtime";
import { type OrderConfirmed, OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import type { NotificationsDeps } from "../setup.ts";
import { owe } from "./owe.ts";

/** Owes the receipt. */
export async function onOrderConfirmed(
  message: OrderConfirmed,
  context: EventContext<NotificationsDeps>,
): Promise<boolean> {
  return owe(context, OrderConfirmedSchema, message, { kind: "receipt", userId: message.customerId });
}
