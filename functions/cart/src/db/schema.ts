/**
 * The drizzle schema of cart: the carts and their lines, cart's projections of the catalog
 * (ProductChanged) and of stock (StockChanged), the orders whose OrderPlaced it has consumed, and the
 * runtime's outbox and processed-events tables. All in the Postgres schema `cart`.
 */
import { outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** The Postgres schema cart owns. */
export const cartSchema = pgSchema("cart");

/**
 * A cart: a guest's (`customer_id` null, named only by its unguessable id) or a customer's (one per
 * customer). A merged guest cart is ended (`ended_at`, `merged_into`) and keeps no lines.
 */
export const carts = cartSchema.table(
  "carts",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    mergedInto: text("merged_into"),
  },
  (table) => [
    // One cart per customer: a second login on another device finds the same cart.
    uniqueIndex("carts_customer_unique").on(table.customerId).where(sql`${table.customerId} is not null`),
  ],
);

/** A cart row as stored. */
export type CartRow = typeof carts.$inferSelect;

/**
 * One product in a cart. `changed_at` is when the line was last added to or changed: OrderPlaced
 * removes only lines not changed since the order was placed.
 */
export const cartLines = cartSchema.table(
  "cart_lines",
  {
    cartId: text("cart_id")
      .notNull()
      .references(() => carts.id),
    productId: text("product_id").notNull(),
    quantity: integer("quantity").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.cartId, table.productId] }),
    check("cart_lines_quantity_check", sql`${table.quantity} > 0`),
  ],
);

/** Cart's projection of the catalog (ProductChanged): what lines are named and priced with. */
export const products = cartSchema.table("products", {
  productId: text("product_id").primaryKey(),
  name: text("name").notNull(),
  category: text("category").notNull(),
  priceMinor: bigint("price_minor", { mode: "bigint" }).notNull(),
  currency: text("currency").notNull(),
  active: boolean("active").notNull(),
  // The catalog's version of the product: an event that is not newer changes nothing.
  version: bigint("version", { mode: "bigint" }).notNull(),
});

/** Cart's projection of stock (StockChanged): the units available of each product, newest version. */
export const stock = cartSchema.table("stock", {
  productId: text("product_id").primaryKey(),
  available: integer("available").notNull(),
  // Inventory's stock version of the product; 0 from an inventory older than versions.
  version: bigint("version", { mode: "bigint" }).notNull(),
});

/**
 * Orders whose OrderPlaced emptied (or was judged against) a cart: a re-asked OrderPlaced of the same
 * order (a new event id) finds its order here and changes nothing.
 */
export const consumedOrders = cartSchema.table("consumed_orders", {
  orderId: text("order_id").primaryKey(),
  cartId: text("cart_id").notNull(),
  // How many lines the order removed (0 when the cart was not the customer's or unknown).
  removedLines: integer("removed_lines").notNull(),
  consumedAt: timestamp("consumed_at", { withTimezone: true }).notNull(),
});

/** Events written with the state change they describe; cart emits none yet, but the runtime relays any. */
export const outbox = outboxTable(cartSchema);
/** The idempotent-consumer record of the events handled. */
export const processedEvents = processedEventsTable(cartSchema);
