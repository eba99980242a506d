/**
 * Who may use which cart, in one place: a guest cart is anyone's who holds its id; a customer's cart
 * only its customer's or an admin's. Everyone else is told it does not exist.
 */
import type { Db, Principal, Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { type CartRow, carts } from "../db/schema.ts";
import { cartIdMissing, cartNotFound, malformedCartId } from "./errors.ts";
import { isCartId, newCartId } from "./limits.ts";

/** The caller of a cart RPC: undefined for an anonymous guest. */
export type Viewer = Principal | undefined;

/** Whether `viewer` may see and change `cart`. */
export function mayUse(cart: CartRow, viewer: Viewer): boolean {
  return cart.customerId === null || cart.customerId === viewer?.userId || viewer?.role === "admin";
}

/** Checks the shape of a named cart id, so that a typo is told apart from a cart that is gone. */
export function checkCartId(cartId: string): void {
  if (!isCartId(cartId)) throw malformedCartId();
}

/**
 * The cart `cartId` names for `viewer` to read, or, with an empty `cartId`, the logged-in viewer's own
 * cart: undefined when they have none yet (or the viewer is a guest without one). A cart that is
 * unknown, merged or not the viewer's throws `cartNotFound`.
 */
export async function findCart(db: Db, cartId: string, viewer: Viewer): Promise<CartRow | undefined> {
  if (cartId === "") {
    if (!viewer) return undefined;
    const [own] = await db.select().from(carts).where(eq(carts.customerId, viewer.userId));
    return own;
  }
  checkCartId(cartId);
  const [cart] = await db.select().from(carts).where(eq(carts.id, cartId));
  if (!cart || cart.endedAt !== null || !mayUse(cart, viewer)) throw cartNotFound(cartId);
  return cart;
}

/** Which cart a change is for, and whether a guest without one gets a new one. */
export interface OpenCartInput {
  cartId: string;
  viewer: Viewer;
  /** A guest naming no cart gets a new guest cart (AddItem); otherwise they are told to name one. */
  createForGuest: boolean;
}

/**
 * The cart a change applies to, locked for the rest of the transaction so that concurrent changes of
 * one cart are applied one after the other (the line limit holds). A logged-in viewer naming no cart
 * gets their own, created on first use.
 */
export async function openCart(tx: Tx, input: OpenCartInput, now: Date): Promise<CartRow> {
  const { cartId, viewer } = input;
  if (cartId === "") {
    if (viewer) return openOwnCart(tx, viewer.userId, now);
    if (!input.createForGuest) throw cartIdMissing();
    const [guest] = await tx.db
      .insert(carts)
      .values({ id: newCartId(), customerId: null, createdAt: now, updatedAt: now })
      .returning();
    return guest as CartRow;
  }
  checkCartId(cartId);
  const [cart] = await tx.db.select().from(carts).where(eq(carts.id, cartId)).for("update");
  if (!cart || cart.endedAt !== null || !mayUse(cart, viewer)) throw cartNotFound(cartId);
  return cart;
}

/** The customer's own cart, created on first use, locked. */
export async function openOwnCart(tx: Tx, customerId: string, now: Date): Promise<CartRow> {
  // Two first uses at once (two devices) meet at the unique index: one inserts, both then read it.
  await tx.db
    .insert(carts)
    .values({ id: newCartId(), customerId, createdAt: now, updatedAt: now })
    .onConflictDoNothing();
  const [own] = await tx.db.select().from(carts).where(eq(carts.customerId, customerId)).for("update");
  return own as CartRow;
}

/** Marks `cart` as changed at `now`. */
export async function touchCart(tx: Tx, cart: CartRow, now: Date): Promise<CartRow> {
  await tx.db.update(carts).set({ updatedAt: now }).where(eq(carts.id, cart.id));
  return { ...cart, updatedAt: now };
}
