/**
 * The verbs of cart, free of transport: what its RPC methods and event handlers call.
 */
export type { Viewer } from "./access.ts";
export { type AddItemInput, addItem } from "./add-item.ts";
export { type ClearCartInput, clearCart } from "./clear-cart.ts";
export { type EmptyOutcome, emptyOrderedCart, type OrderedCart } from "./empty-ordered-cart.ts";
export { type GetCartInput, getCart } from "./get-cart.ts";
export { isCartId, MAX_LINES, MAX_QUANTITY, newCartId } from "./limits.ts";
export { type MergeCartInput, mergeCart } from "./merge-cart.ts";
export { type ProductState, recordProduct } from "./record-product.ts";
export { recordStock, type StockChange } from "./record-stock.ts";
export { type RemoveItemInput, removeItem } from "./remove-item.ts";
export { type SetQuantityInput, setQuantity } from "./set-quantity.ts";
export { type Availability, availabilityOf, type CartLineView, type CartView } from "./view.ts";
