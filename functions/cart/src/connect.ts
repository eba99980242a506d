/**
 * The Connect routes of cart and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { CartService } from "@shop/schemas/cart/v1/cart";
import { cartService } from "./rpc/cart-service.ts";
import type { CartDeps } from "./setup.ts";

/**
 * A guest cart is anyone's who holds its id, so the cart RPCs are open to guests and the verbs decide
 * per cart (a customer's cart only for its customer or an admin); merging needs a logged-in customer.
 */
export const policy: AccessPolicy = {
  GetCart: "anonymous",
  AddItem: "anonymous",
  SetQuantity: "anonymous",
  RemoveItem: "anonymous",
  ClearCart: "anonymous",
  MergeCart: "customer",
};

/** Registers CartService. */
export default function routes(router: ConnectRouter, deps: CartDeps, app: App): void {
  router.service(CartService, cartService(deps, app));
}
