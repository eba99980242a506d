/**
 * ShipmentDispatched: the "on its way" email with the tracking link is owed to the customer.
 */
import type { EventContext } from "@shop/runtime";
import { type ShipmentDispatched, ShipmentDispatchedSchema } from "@shop/schemas/shipping/v1/events";
import type { NotificationsDeps } from "../setup.ts";
import { owe } from "./owe.ts";

/** Owes the dispatch email. */
export async function onShipmentDispatched(
  message: ShipmentDispatched,
  context: EventContext<NotificationsDeps>,
): Promise<boolean> {
  return owe(context, ShipmentDispatchedSchema, message, { kind: "dispatched", userId: message.customerId });
}
