/**
 * The refusals a user of shipping can meet, as named constructors over the runtime's one DomainError:
 * each has its Connect code and a sentence a person understands, in one place.
 */
import { Code, DomainError } from "@shop/runtime";

function invalid(reason: string, message: string): DomainError {
  return new DomainError(Code.InvalidArgument, message, reason);
}

/** ListShippingOptions without a destination. */
export function countryMissing(): DomainError {
  return invalid("country-missing", "Say where the parcel goes: the destination country is missing.");
}

/** A destination that is not an ISO 3166-1 alpha-2 code, or one no option ships to. */
export function countryNotServed(country: string): DomainError {
  return invalid("country-not-served", `We do not ship to "${country}".`);
}

/** A subtotal in another currency than the options are priced in. */
export function currencyNotOffered(currency: string, offered: string): DomainError {
  return invalid(
    "currency-not-offered",
    `Shipping is priced in ${offered}; a subtotal in ${currency} cannot be quoted.`,
  );
}

/** A shipment request that does not say which order. */
export function orderIdMissing(): DomainError {
  return invalid("order-id-missing", "Say which order: its id is missing.");
}

/** DispatchShipment without a tracking number. */
export function trackingNumberMissing(): DomainError {
  return invalid("tracking-number-missing", "A dispatched parcel needs the carrier's tracking number.");
}

/** DispatchShipment without a carrier. */
export function carrierMissing(): DomainError {
  return invalid("carrier-missing", "Say which carrier takes the parcel: the carrier is missing.");
}

/**
 * The order has no shipment, or it is not the caller's (NotFound): both read the same, so that
 * other customers' order ids cannot be probed.
 */
export function shipmentNotFound(orderId: string): DomainError {
  return new DomainError(
    Code.NotFound,
    `Order ${orderId} has no shipment (yet): it is created once the order is confirmed.`,
    "shipment-not-found",
  );
}

/** A dispatch or delivery of a shipment that is not in the state it needs. */
export function wrongState(orderId: string, status: string, action: "dispatch" | "deliver"): DomainError {
  const needs = action === "dispatch" ? "being prepared" : "dispatched";
  return new DomainError(
    Code.FailedPrecondition,
    `The shipment of order ${orderId} is ${status.toLowerCase()}; only a shipment ${needs} can be ${action === "dispatch" ? "dispatched" : "delivered"}.`,
    `shipment-${status.toLowerCase()}`,
  );
}
