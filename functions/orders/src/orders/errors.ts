/**
 * The refusals a user of orders can meet, as named constructors over the runtime's one DomainError:
 * each has its Connect code and a sentence a person understands, in one place.
 */
import { Code, DomainError } from "@shop/runtime";

// Every refusal of a request that cannot be served as it is: the sentence names the problem.
function invalid(reason: string, message: string): DomainError {
  return new DomainError(Code.InvalidArgument, message, reason);
}

/**
 * The order does not exist or is not the caller's (NotFound). Both read the same, so that order ids
 * of other customers cannot be probed.
 */
export function orderNotFound(orderId: string): DomainError {
  return new DomainError(Code.NotFound, `We could not find order ${orderId}.`, "order-not-found");
}

/** A read of an order that does not say which. */
export function orderIdMissing(): DomainError {
  return invalid("order-id-missing", "Say which order: its id is missing.");
}

/** PlaceOrder without an idempotency key. */
export function idempotencyKeyMissing(): DomainError {
  return invalid(
    "idempotency-key-missing",
    "An idempotency key is required, so that a retried order is not placed twice.",
  );
}

/** PlaceOrder with an idempotency key longer than `max` characters. */
export function idempotencyKeyTooLong(max: number): DomainError {
  return invalid("idempotency-key-too-long", `The idempotency key must be at most ${max} characters long.`);
}

/** PlaceOrder with a coupon code longer than `max` characters. */
export function couponCodeTooLong(max: number): DomainError {
  return invalid("coupon-code-too-long", `A coupon code has at most ${max} characters.`);
}

/** PlaceOrder with a cart id longer than `max` characters. */
export function cartIdTooLong(max: number): DomainError {
  return invalid("cart-id-too-long", `A cart id has at most ${max} characters.`);
}

/** PlaceOrder with a payment token no payment provider could have issued. */
export function invalidPaymentToken(): DomainError {
  return invalid("invalid-payment-token", "The payment token is not valid.");
}

/** PlaceOrder without lines. */
export function noLines(): DomainError {
  return invalid("no-lines", "An order needs at least one line.");
}

/** PlaceOrder with a line that names no product. */
export function lineWithoutProduct(): DomainError {
  return invalid("line-without-product", "Every line of an order needs a product id.");
}

/** A line whose quantity is not a whole number from 1 to `max`. */
export function quantityOutOfRange(productId: string, quantity: number, max: number): DomainError {
  return invalid(
    "quantity-out-of-range",
    `The quantity of ${productId} must be between 1 and ${max}, not ${quantity}.`,
  );
}

/** Lines of one product that add up to more than `max`. */
export function tooManyOfProduct(productId: string, max: number): DomainError {
  return invalid("too-many-of-product", `You can order at most ${max} of ${productId} in one order.`);
}

/** An order of more than `max` different products. */
export function tooManyLines(max: number): DomainError {
  return invalid("too-many-lines", `An order can have at most ${max} different products.`);
}

/** A line of a product the catalog does not sell (unknown, inactive or without a price). */
export function productNotForSale(productId: string): DomainError {
  return invalid("product-not-for-sale", `Product ${productId} is not for sale.`);
}

/** Lines priced in two currencies: one order is paid in one. */
export function mixedCurrencies(
  first: { productId: string; currency: string },
  other: { productId: string; currency: string },
): DomainError {
  return invalid(
    "mixed-currencies",
    `All products of one order must be sold in the same currency: ${first.productId} costs ${first.currency}, ` +
      `${other.productId} costs ${other.currency}.`,
  );
}

/** ListOrders with a negative page size. */
export function negativePageSize(): DomainError {
  return invalid("negative-page-size", "The page size cannot be negative.");
}

/** ListOrders with a page token it did not hand out. */
export function invalidPageToken(): DomainError {
  return invalid("invalid-page-token", "The page token is not valid; start again from the first page.");
}

/** ListOrders with a created range that holds no instant (from at or after before). */
export function emptyCreatedRange(): DomainError {
  return invalid(
    "empty-created-range",
    "The date range is empty: created_from must be earlier than created_before.",
  );
}

/** ListOrders with a status filter of ORDER_STATUS_UNSPECIFIED. */
export function unspecifiedStatusFilter(): DomainError {
  return invalid("unspecified-status-filter", "A status filter must name a status, not UNSPECIFIED.");
}

/** ListOrders with a customer or order id filter longer than `max` characters. */
export function filterTooLong(what: string, max: number): DomainError {
  return invalid("filter-too-long", `The ${what} to search by has at most ${max} characters.`);
}

/** A shipping address without one of its required parts (`part` as a person says it). */
export function addressPartMissing(part: "name" | "street" | "city" | "postcode" | "country"): DomainError {
  const sentences = {
    name: "The shipping address needs the recipient's name.",
    street: "The shipping address needs a street and number (line 1).",
    city: "The shipping address needs a city.",
    postcode: "The shipping address needs a postcode.",
    country: "The shipping address needs a country (an ISO code such as DE or FR).",
  };
  return invalid(`address-${part}-missing`, sentences[part]);
}

/** A part of a shipping address longer than `max` characters. */
export function addressPartTooLong(part: string, max: number): DomainError {
  return invalid(
    "address-part-too-long",
    `The ${part} of the shipping address has at most ${max} characters.`,
  );
}

/** A shipping address without a shipping option. */
export function shippingOptionMissing(): DomainError {
  return invalid("shipping-option-missing", "Choose a shipping option for the shipping address.");
}

/** A shipping option without a shipping address. */
export function shippingAddressMissing(): DomainError {
  return invalid("shipping-address-missing", "A shipping option needs a shipping address to ship to.");
}

/** A shipping option the shop does not offer (unknown, inactive or without a price). */
export function unknownShippingOption(option: string): DomainError {
  return invalid("unknown-shipping-option", `We do not offer the shipping option ${option}.`);
}

/** A country the chosen option does not ship to. */
export function countryNotShipped(optionName: string, country: string): DomainError {
  return invalid("country-not-shipped", `${optionName} does not ship to ${country}.`);
}

/** A shipping option priced in another currency than the order's products. */
export function shippingCurrencyMismatch(
  optionName: string,
  currency: string,
  orderCurrency: string,
): DomainError {
  return invalid(
    "shipping-currency-mismatch",
    `${optionName} is priced in ${currency}, but the products of this order are sold in ${orderCurrency}.`,
  );
}

/** CancelOrder with a reason longer than `max` characters. */
export function cancelReasonTooLong(max: number): DomainError {
  return invalid("cancel-reason-too-long", `The reason for cancelling has at most ${max} characters.`);
}

/** CancelOrder for an order whose parcel has left (FailedPrecondition). */
export function alreadyDispatched(): DomainError {
  return new DomainError(
    Code.FailedPrecondition,
    "This order has already been dispatched, so it can no longer be cancelled.",
    "already-dispatched",
  );
}
