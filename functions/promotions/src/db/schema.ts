/**
 * The drizzle schema of promotions: its promotions, their redemptions, what became of each order it
 * priced, and the runtime's outbox and processed-events tables. All in the Postgres schema `promotions`.
 */
import { outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** The Postgres schema promotions owns. */
export const promotionsSchema = pgSchema("promotions");

/**
 * A promotion: by code (a coupon) or automatic (`code` null). Amounts are minor units of `currency`,
 * which both `amount_off` and `minimum_order` are in; a percent or free-shipping promotion without a
 * minimum has none. A free-shipping promotion (`kind` free_shipping) discounts no line: its
 * redemptions' `discount` is zero, and the order's shipping charge becomes zero.
 */
export const promotions = promotionsSchema.table(
  "promotions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    // Stored upper-case, so the unique index makes codes unique case-insensitively.
    code: text("code"),
    kind: text("kind", { enum: ["percent", "amount", "free_shipping"] }).notNull(),
    percentOff: integer("percent_off"),
    amountOff: bigint("amount_off", { mode: "bigint" }),
    currency: text("currency"),
    minimumOrder: bigint("minimum_order", { mode: "bigint" }),
    startsAt: timestamp("starts_at", { withTimezone: true }),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    // 0 = unlimited.
    maxRedemptions: integer("max_redemptions").notNull().default(0),
    // 0 = unlimited.
    maxPerCustomer: integer("max_per_customer").notNull().default(0),
    singleUse: boolean("single_use").notNull().default(false),
    // Empty = every product.
    productIds: text("product_ids").array().notNull().default(sql`'{}'::text[]`),
    category: text("category"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("promotions_code_unique").on(sql`upper(${table.code})`),
    check(
      "promotions_discount_check",
      sql`(${table.kind} = 'percent' and ${table.percentOff} between 1 and 100 and ${table.amountOff} is null)
        or (${table.kind} = 'amount' and ${table.amountOff} > 0 and ${table.percentOff} is null and ${table.currency} is not null)
        or (${table.kind} = 'free_shipping' and ${table.percentOff} is null and ${table.amountOff} is null)`,
    ),
    check("promotions_limits_check", sql`${table.maxRedemptions} >= 0 and ${table.maxPerCustomer} >= 0`),
    check("promotions_minimum_check", sql`${table.minimumOrder} is null or ${table.currency} is not null`),
  ],
);

/**
 * One promotion used by one order. A released redemption (its order was cancelled) no longer counts
 * towards the promotion's limits.
 */
export const redemptions = promotionsSchema.table(
  "redemptions",
  {
    promotionId: text("promotion_id")
      .notNull()
      .references(() => promotions.id),
    orderId: text("order_id").notNull(),
    customerId: text("customer_id").notNull(),
    discount: bigint("discount", { mode: "bigint" }).notNull(),
    // The order's currency (of `discount`); "" for redemptions from before it was kept.
    currency: text("currency").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp("released_at", { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.promotionId, table.orderId] }),
    index("redemptions_order_idx").on(table.orderId),
    index("redemptions_customer_idx").on(table.promotionId, table.customerId),
  ],
);

/**
 * What became of each order promotions has seen: priced, rejected, or cancelled (the tombstone that
 * makes a late OrderPlaced for a cancelled order do nothing). With the order's redemptions it is the
 * answer promotions gave, which it gives again when the order is asked for again.
 */
export const orderOutcomes = promotionsSchema.table("order_outcomes", {
  orderId: text("order_id").primaryKey(),
  customerId: text("customer_id").notNull(),
  outcome: text("outcome", { enum: ["priced", "rejected", "cancelled"] }).notNull(),
  // The sentence of a rejection, given again as it was (the coupon may be usable by now).
  reason: text("reason").notNull().default(""),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  // The OrderPlaced (source, id) that claimed the row: its redelivery is told from a re-ask by it,
  // so the first delivery needs no processed-event row. Null for a tombstone and for older rows.
  claimedBySource: text("claimed_by_source"),
  claimedById: text("claimed_by_id"),
});

/** Events written with the state change they describe; published by the relay. */
export const outbox = outboxTable(promotionsSchema);
/** The idempotent-consumer record of the events handled. */
export const processedEvents = processedEventsTable(promotionsSchema);
