/**
 * The drizzle schema of catalog: products (with a full-text search column) and the last stock level
 * inventory reported per product, in the Postgres schema `catalog`.
 */
import { bytea, outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { bigint, boolean, customType, index, integer, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The Postgres schema catalog owns. */
export const catalog = pgSchema("catalog");

/** Postgres' tsvector, only ever written by the database itself (a generated column). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** Products for sale. */
export const products = catalog.table(
  "products",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    // Minor units of `currency` (cents), never a float.
    price: bigint("price", { mode: "bigint" }).notNull(),
    currency: text("currency").notNull(),
    category: text("category").notNull(),
    imageUrl: text("image_url").notNull().default(""),
    active: boolean("active").notNull().default(true),
    // Units that can be ordered now, as inventory last reported (StockChanged).
    available: integer("available").notNull().default(0),
    // 1 at creation, +1 on every change; ProductChanged carries it so consumers can drop stale events.
    version: bigint("version", { mode: "bigint" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    // 'simple': no stemming or stop words, so any language and product codes match as typed.
    // Unqualified column names: Postgres refuses schema-qualified ones in a generation expression.
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('simple', name || ' ' || description || ' ' || category)`,
    ),
  },
  (table) => [
    index("products_search_idx").using("gin", table.search),
    // The order of ListProducts (name, id), within one category or all of them.
    index("products_name_id_idx").on(table.name, table.id),
    index("products_category_name_id_idx").on(table.category, table.name, table.id),
  ],
);

/**
 * The last available count inventory reported for every product id, known here or not yet: a
 * StockChanged may arrive before the product's first UpsertProduct, which then starts from it.
 */
export const stock = catalog.table("stock", {
  productId: text("product_id").primaryKey(),
  available: integer("available").notNull(),
  // The version of the StockChanged applied: one that is not newer is stale and changes nothing, so
  // the order StockChanged arrives in does not matter. 0: none applied with a version yet.
  version: bigint("version", { mode: "bigint" }).notNull().default(sql`0`),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Product images uploaded by administrators, by the SHA-256 of their bytes (hex): the URL names the
 * content, so an image never changes under its URL and is cached for good. Never deleted: an old URL
 * may still be in a browser's page or an order's receipt.
 */
export const productImages = catalog.table("product_images", {
  sha256: text("sha256").primaryKey(),
  contentType: text("content_type").notNull(),
  content: bytea("content").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const outbox = outboxTable(catalog);
export const processedEvents = processedEventsTable(catalog);
