/**
 * What a cart looks like to its user: each line named and priced from the projections, marked when it
 * cannot be bought as it is, and a subtotal of the lines that can.
 */
import type { Db } from "@shop/runtime";
import { asc, eq } from "drizzle-orm";
import { type CartRow, cartLines, products, stock } from "../db/schema.ts";

/** Whether a line can be bought as it is. */
export type Availability = "AVAILABLE" | "LOW_STOCK" | "OUT_OF_STOCK" | "DISCONTINUED";

/** An amount of minor units of `currency`. */
export interface Amount {
  amountMinor: bigint;
  currency: string;
}

/** One line as the user sees it. */
export interface CartLineView {
  productId: string;
  productName: string;
  category: string;
  quantity: number;
  /** The current price; undefined for a product the catalog never announced. */
  unitPrice: Amount | undefined;
  lineTotal: Amount | undefined;
  availability: Availability;
  /** Units available now (0 when stock never said). */
  available: number;
}

/** A cart as the user sees it. */
export interface CartView {
  /** Empty for a cart not created yet (a customer who never added anything). */
  id: string;
  customerId: string;
  lines: CartLineView[];
  /** The sum of the available lines' totals. */
  subtotal: Amount;
  unavailableLines: number;
  updatedAt: Date | undefined;
}

/** What cart knows of a line's product and its stock. */
export interface LineFacts {
  quantity: number;
  /** Undefined when catalog never announced the product. */
  product: { active: boolean } | undefined;
  /** Undefined when inventory never announced its stock. */
  available: number | undefined;
}

/**
 * The mark of a line: DISCONTINUED for an unknown or inactive product; by stock otherwise. A product
 * whose stock inventory never announced has none, as catalog shows it and inventory would refuse it.
 */
export function availabilityOf({ quantity, product, available }: LineFacts): Availability {
  if (!product?.active) return "DISCONTINUED";
  const units = available ?? 0;
  if (units <= 0) return "OUT_OF_STOCK";
  return units < quantity ? "LOW_STOCK" : "AVAILABLE";
}

/** The view of `cart` (undefined: an empty cart not created yet, of `customerId`). */
export async function viewCart(db: Db, cart: CartRow | undefined, customerId = ""): Promise<CartView> {
  if (!cart) {
    return {
      id: "",
      customerId,
      lines: [],
      subtotal: { amountMinor: 0n, currency: "" },
      unavailableLines: 0,
      updatedAt: undefined,
    };
  }
  const rows = await db
    .select({ line: cartLines, product: products, stock })
    .from(cartLines)
    .leftJoin(products, eq(products.productId, cartLines.productId))
    .leftJoin(stock, eq(stock.productId, cartLines.productId))
    .where(eq(cartLines.cartId, cart.id))
    .orderBy(asc(cartLines.productId));
  const lines = rows.map(({ line, product, stock: units }): CartLineView => {
    const unitPrice = product ? { amountMinor: product.priceMinor, currency: product.currency } : undefined;
    return {
      productId: line.productId,
      productName: product?.name ?? line.productId,
      category: product?.category ?? "",
      quantity: line.quantity,
      unitPrice,
      lineTotal: unitPrice && {
        amountMinor: unitPrice.amountMinor * BigInt(line.quantity),
        currency: unitPrice.currency,
      },
      availability: availabilityOf({
        quantity: line.quantity,
        product: product ?? undefined,
        available: units?.available,
      }),
      available: Math.max(0, units?.available ?? 0),
    };
  });
  const buyable = lines.filter((line) => line.availability === "AVAILABLE");
  // One cart is paid in one currency: the first priced line's (the shop sells in one).
  const currency = lines.find((line) => line.unitPrice)?.unitPrice?.currency ?? "";
  const subtotal = buyable
    .filter((line) => line.lineTotal?.currency === currency)
    .reduce((sum, line) => sum + (line.lineTotal?.amountMinor ?? 0n), 0n);
  return {
    id: cart.id,
    customerId: cart.customerId ?? "",
    lines,
    subtotal: { amountMinor: subtotal, currency },
    unavailableLines: lines.length - buyable.length,
    updatedAt: cart.updatedAt,
  };
}
