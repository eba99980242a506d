/**
 * MergeCart: a guest cart's lines into the logged-in customer's cart, once.
 */
import type { Principal, Tx } from "@shop/runtime";
import { and, eq } from "drizzle-orm";
import { cartLines, carts } from "../db/schema.ts";
import type { CartDeps } from "../setup.ts";
import { checkCartId, findCart, mayUse, openOwnCart, touchCart } from "./access.ts";
import { cartNotFound, guestCartIdMissing, notAGuestCart } from "./errors.ts";
import { MAX_LINES, MAX_QUANTITY } from "./limits.ts";
import { type CartView, viewCart } from "./view.ts";

/** Which guest cart, and the customer it goes to. */
export interface MergeCartInput {
  guestCartId: string;
  customer: Principal;
}

/**
 * Moves the guest cart's lines into `customer`'s cart — quantities of a product in both add up,
 * capped at MAX_QUANTITY; a product that would be line MAX_LINES + 1 is left out — and ends the guest
 * cart. Merging an ended guest cart again changes nothing and returns the customer's cart (a retried
 * login). A customer's cart is not a guest cart: the customer's own is refused as such, another's
 * reads as not found.
 */
export async function mergeCart(
  tx: Tx,
  input: MergeCartInput,
  deps: Pick<CartDeps, "now">,
): Promise<CartView> {
  const { guestCartId, customer } = input;
  if (guestCartId === "") throw guestCartIdMissing();
  checkCartId(guestCartId);
  // The guest cart first, then the customer's: every merge locks in that order, so none deadlocks.
  const [guest] = await tx.db.select().from(carts).where(eq(carts.id, guestCartId)).for("update");
  if (!guest || !mayUse(guest, customer)) throw cartNotFound(guestCartId);
  if (guest.customerId !== null) throw notAGuestCart(guestCartId);
  if (guest.endedAt !== null) {
    const own = await findCart(tx.db, "", customer);
    return viewCart(tx.db, own, customer.userId);
  }
  const now = deps.now();
  const own = await openOwnCart(tx, customer.userId, now);
  const guestLines = await tx.db.select().from(cartLines).where(eq(cartLines.cartId, guest.id));
  const ownLines = await tx.db.select().from(cartLines).where(eq(cartLines.cartId, own.id));
  let lineCount = ownLines.length;
  for (const line of guestLines) {
    const mine = ownLines.find((candidate) => candidate.productId === line.productId);
    if (mine) {
      await tx.db
        .update(cartLines)
        .set({ quantity: Math.min(MAX_QUANTITY, mine.quantity + line.quantity), changedAt: now })
        .where(and(eq(cartLines.cartId, own.id), eq(cartLines.productId, line.productId)));
    } else if (lineCount < MAX_LINES) {
      lineCount += 1;
      await tx.db.insert(cartLines).values({ ...line, cartId: own.id, changedAt: now });
    }
  }
  await tx.db.delete(cartLines).where(eq(cartLines.cartId, guest.id));
  await tx.db
    .update(carts)
    .set({ endedAt: now, mergedInto: own.id, updatedAt: now })
    .where(eq(carts.id, guest.id));
  return viewCart(tx.db, await touchCart(tx, own, now));
}
