/**
 * CartService over Connect: convert the request, call a verb, convert the result. Refusals are the
 * verbs' DomainErrors, which the runtime's error interceptor turns into Connect codes.
 */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type App, caller, principalKey } from "@shop/runtime";
import {
  AddItemResponseSchema,
  type CartService,
  ClearCartResponseSchema,
  GetCartResponseSchema,
  MergeCartResponseSchema,
  RemoveItemResponseSchema,
  SetQuantityResponseSchema,
} from "@shop/schemas/cart/v1/cart";
import {
  addItem,
  clearCart,
  getCart,
  mergeCart,
  removeItem,
  setQuantity,
  type Viewer,
} from "../cart/index.ts";
import type { CartDeps } from "../setup.ts";
import { toCartMessage } from "./messages.ts";

// The cart RPCs are open to guests: the caller is whoever the token says, or nobody.
function viewer(context: HandlerContext): Viewer {
  return context.values.get(principalKey);
}

/** The implementation of CartService with cart's `deps`, on `app`. */
export function cartService(deps: CartDeps, app: App): ServiceImpl<typeof CartService> {
  return {
    async getCart(request, context) {
      const cart = await getCart(app.db, { cartId: request.cartId, viewer: viewer(context) });
      return create(GetCartResponseSchema, { cart: toCartMessage(cart) });
    },

    async addItem(request, context) {
      const { cartId, productId, quantity } = request;
      const input = { cartId, productId, quantity, viewer: viewer(context) };
      const cart = await app.transaction((tx) => addItem(tx, input, deps));
      return create(AddItemResponseSchema, { cart: toCartMessage(cart) });
    },

    async setQuantity(request, context) {
      const { cartId, productId, quantity } = request;
      const input = { cartId, productId, quantity, viewer: viewer(context) };
      const cart = await app.transaction((tx) => setQuantity(tx, input, deps));
      return create(SetQuantityResponseSchema, { cart: toCartMessage(cart) });
    },

    async removeItem(request, context) {
      const input = { cartId: request.cartId, productId: request.productId, viewer: viewer(context) };
      const cart = await app.transaction((tx) => removeItem(tx, input, deps));
      return create(RemoveItemResponseSchema, { cart: toCartMessage(cart) });
    },

    async clearCart(request, context) {
      const input = { cartId: request.cartId, viewer: viewer(context) };
      const cart = await app.transaction((tx) => clearCart(tx, input, deps));
      return create(ClearCartResponseSchema, { cart: toCartMessage(cart) });
    },

    async mergeCart(request, context) {
      const input = { guestCartId: request.guestCartId, customer: caller(context) };
      const cart = await app.transaction((tx) => mergeCart(tx, input, deps));
      return create(MergeCartResponseSchema, { cart: toCartMessage(cart) });
    },
  };
}
