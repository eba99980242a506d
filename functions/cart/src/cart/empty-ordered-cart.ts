/**
 * OrderPlaced: the cart an order was placed from gives up what was bought.
 */
import type { Tx } from "@shop/runtime";
import { and, eq, inArray, lte } from "drizzle-orm";
import { cartLines, carts, consumedOrders } from "../db/schema.ts";

/** What cart needs of an OrderPlaced. */
export interface OrderedCart {
  orderId: string;
  customerId: string;
  /** The cart the order was placed from; empty if none. */
  cartId: string;
  /** The products of the order's lines. */
  productIds: string[];
  /** When the order was placed (when absent: `now`). */
  placedAt: Date | undefined;
  now: Date;
}

/** What became of an OrderPlaced: lines removed, or why none were. */
export type EmptyOutcome =
  | { kind: "emptied"; removedLines: number }
  | { kind: "no-cart" }
  | { kind: "not-the-customers" }
  | { kind: "seen-before" };

/**
 * Removes from the order's cart the lines of the products it bought that were not changed after the
 * order was placed, once per order: the order id is recorded, so a re-asked OrderPlaced (orders sends
 * it again for an overdue order, with a new event id) changes nothing, and a line the customer added
 * or changed since the order stays. Only a cart of the order's customer is touched.
 */
export async function emptyOrderedCart(tx: Tx, order: OrderedCart): Promise<EmptyOutcome> {
  if (order.cartId === "") return { kind: "no-cart" };
  // Claimed first: a concurrent delivery of the same order waits here and then finds it claimed.
  const claimed = await tx.db
    .insert(consumedOrders)
    .values({ orderId: order.orderId, cartId: order.cartId, removedLines: 0, consumedAt: order.now })
    .onConflictDoNothing()
    .returning();
  if (claimed.length === 0) return { kind: "seen-before" };
  const [cart] = await tx.db.select().from(carts).where(eq(carts.id, order.cartId)).for("update");
  if (!cart || cart.customerId !== order.customerId) return { kind: "not-the-customers" };
  if (order.productIds.length === 0) return { kind: "emptied", removedLines: 0 };
  const removed = await tx.db
    .delete(cartLines)
    .where(
      and(
        eq(cartLines.cartId, cart.id),
        inArray(cartLines.productId, order.productIds),
        lte(cartLines.changedAt, order.placedAt ?? order.now),
      ),
    )
    .returning();
  if (removed.length > 0) {
    await tx.db.update(carts).set({ updatedAt: order.now }).where(eq(carts.id, cart.id));
    await tx.db
      .update(consumedOrders)
      .set({ removedLines: removed.length })
      .where(eq(consumedOrders.orderId, order.orderId));
  }
  return { kind: "emptied", removedLines: removed.length };
}
