/**
 * ShippingOptionChanged (shipping): keep the projection PlaceOrder prices shipping from.
 */
import type { EventContext } from "@shop/runtime";
import type { ShippingOptionChanged } from "@shop/schemas/shipping/v1/events";
import { recordShippingOption } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";

/** Stores the option's new state unless the projection already has this version or a newer one. */
export async function onShippingOptionChanged(
  message: ShippingOptionChanged,
  context: EventContext<OrdersDeps>,
): Promise<boolean> {
  return recordShippingOption(context, {
    optionId: message.optionId,
    name: message.name,
    price: message.price,
    countries: message.countries,
    active: message.active,
    version: message.version,
  });
}
