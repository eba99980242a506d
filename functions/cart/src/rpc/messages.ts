/**
 * Cart views as CartService messages.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { money } from "@shop/runtime";
import { type Cart, CartSchema, LineAvailability } from "@shop/schemas/cart/v1/cart";
import type { Availability, CartView } from "../cart/index.ts";

const AVAILABILITY: Record<Availability, LineAvailability> = {
  AVAILABLE: LineAvailability.AVAILABLE,
  LOW_STOCK: LineAvailability.LOW_STOCK,
  OUT_OF_STOCK: LineAvailability.OUT_OF_STOCK,
  DISCONTINUED: LineAvailability.DISCONTINUED,
};

/** The Cart message of `view`. */
export function toCartMessage(view: CartView): Cart {
  return create(CartSchema, {
    id: view.id,
    customerId: view.customerId,
    lines: view.lines.map((line) => ({
      productId: line.productId,
      productName: line.productName,
      category: line.category,
      quantity: line.quantity,
      unitPrice: line.unitPrice && money(line.unitPrice.amountMinor, line.unitPrice.currency),
      lineTotal: line.lineTotal && money(line.lineTotal.amountMinor, line.lineTotal.currency),
      availability: AVAILABILITY[line.availability],
      available: line.available,
    })),
    subtotal: money(view.subtotal.amountMinor, view.subtotal.currency),
    unavailableLines: view.unavailableLines,
    updatedAt: view.updatedAt && timestampFromDate(view.updatedAt),
  });
}
