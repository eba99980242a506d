/**
 * The refusals a user of cart can meet, as named constructors over the runtime's one DomainError:
 * each has its Connect code and a sentence a person understands, in one place.
 */
import { Code, DomainError } from "@shop/runtime";

// Every refusal of a request that cannot be served as it is: the sentence names the problem.
function invalid(reason: string, message: string): DomainError {
  return new DomainError(Code.InvalidArgument, message, reason);
}

/**
 * The cart does not exist, was merged, or is another customer's (NotFound). All read the same, so
 * that nobody learns that a customer's cart exists.
 */
export function cartNotFound(cartId: string): DomainError {
  return new DomainError(Code.NotFound, `We could not find cart ${cartId}.`, "cart-not-found");
}

/** A cart id that no cart could have (not 22 base64url characters). */
export function malformedCartId(): DomainError {
  return invalid("malformed-cart-id", "That is not a cart id: a cart id is 22 letters, digits, '-' or '_'.");
}

/** A guest's change to a cart without saying which one. */
export function cartIdMissing(): DomainError {
  return invalid("cart-id-missing", "Say which cart: its id is missing (or log in to use your own cart).");
}

/** A request that names no product. */
export function productIdMissing(): DomainError {
  return invalid("product-id-missing", "Say which product: its id is missing.");
}

/** A product the catalog does not sell (unknown, inactive or without a price). */
export function productNotForSale(productId: string): DomainError {
  return invalid("product-not-for-sale", `Product ${productId} is not for sale.`);
}

/** A quantity to add that is not a whole number from 1 to `max`. */
export function quantityOutOfRange(productId: string, quantity: number, max: number): DomainError {
  return invalid(
    "quantity-out-of-range",
    `The quantity of ${productId} must be between 1 and ${max}, not ${quantity}.`,
  );
}

/** A quantity to set that is negative or above `max`. */
export function quantityToSetOutOfRange(productId: string, quantity: number, max: number): DomainError {
  return invalid(
    "quantity-out-of-range",
    `The quantity of ${productId} must be between 0 (to remove it) and ${max}, not ${quantity}.`,
  );
}

/** An add that would put more than `max` of one product in the cart. */
export function tooManyOfProduct(productId: string, inCart: number, max: number): DomainError {
  return invalid(
    "too-many-of-product",
    `A cart holds at most ${max} of ${productId}; it has ${inCart} already.`,
  );
}

/** An add of a new product to a cart that has `max` products already. */
export function tooManyLines(max: number): DomainError {
  return invalid("too-many-lines", `A cart holds at most ${max} different products; remove one first.`);
}

/** SetQuantity of a product that is not in the cart. */
export function lineNotFound(productId: string): DomainError {
  return new DomainError(Code.NotFound, `Product ${productId} is not in this cart.`, "line-not-found");
}

/** MergeCart of a customer's cart as if it were a guest's. */
export function notAGuestCart(cartId: string): DomainError {
  return invalid("not-a-guest-cart", `Cart ${cartId} is a customer's cart: only a guest cart can be merged.`);
}

/** MergeCart without the guest cart's id. */
export function guestCartIdMissing(): DomainError {
  return invalid("guest-cart-id-missing", "Say which guest cart to merge: its id is missing.");
}
