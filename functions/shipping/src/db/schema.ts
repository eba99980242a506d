/**
 * The drizzle schema of shipping: its shipping options, one shipment per confirmed order that ships,
 * the tombstones of cancelled orders, and the runtime's outbox and processed-events tables, all in
 * the Postgres schema `shipping`.
 */
import { cancelledOrdersTable, outboxTable, processedEventsTable } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The Postgres schema shipping owns. */
export const shippingSchema = pgSchema("shipping");

/**
 * A way to deliver. The rows follow the options defined in code (shipping/options.ts): `version`
 * grows whenever a defined option differs from its row, and `published_version` says which version
 * went out as ShippingOptionChanged, so each version is published once, whatever restarts.
 */
export const shippingOptions = shippingSchema.table("options", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  priceMinor: bigint("price_minor", { mode: "bigint" }).notNull(),
  currency: text("currency").notNull(),
  minDays: integer("min_days").notNull(),
  maxDays: integer("max_days").notNull(),
  countries: text("countries").array().notNull().default(sql`'{}'::text[]`),
  active: boolean("active").notNull(),
  version: bigint("version", { mode: "bigint" }).notNull(),
  publishedVersion: bigint("published_version", { mode: "bigint" }).notNull().default(sql`0`),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A stored option row. */
export type OptionRow = typeof shippingOptions.$inferSelect;

/** Where a parcel is; DELIVERED and CANCELLED are final. */
export type ShipmentStatusName = "PREPARING" | "DISPATCHED" | "DELIVERED" | "CANCELLED";

/** A postal address as stored (the fields of shop.common.v1.PostalAddress). */
export interface StoredAddress {
  name: string;
  line1: string;
  line2: string;
  city: string;
  postcode: string;
  country: string;
}

/** One confirmed order's parcel: at most one per order. */
export const shipments = shippingSchema.table(
  "shipments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().unique(),
    customerId: text("customer_id").notNull(),
    status: text("status").$type<ShipmentStatusName>().notNull(),
    option: text("option").notNull(),
    address: jsonb("address").$type<StoredAddress>().notNull(),
    carrier: text("carrier").notNull().default(""),
    trackingNumber: text("tracking_number").notNull().default(""),
    trackingUrl: text("tracking_url").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    // The order's OrderCancelled arrived after dispatch: the parcel is on its way and is kept; this
    // records when, for an admin to follow up (a return is not automated).
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
    // The dev carrier's schedule (null with it off): when it dispatches a PREPARING shipment, and when
    // it delivers a DISPATCHED one. Stored, so a restart does not lose it.
    dispatchDueAt: timestamp("dispatch_due_at", { withTimezone: true }),
    deliverDueAt: timestamp("deliver_due_at", { withTimezone: true }),
  },
  (table) => [
    index("shipments_dispatch_due").on(table.dispatchDueAt).where(sql`${table.status} = 'PREPARING'`),
    index("shipments_deliver_due").on(table.deliverDueAt).where(sql`${table.status} = 'DISPATCHED'`),
  ],
);

/** A stored shipment row. */
export type ShipmentRow = typeof shipments.$inferSelect;

/** Orders cancelled, so that a late OrderConfirmed creates no shipment. */
export const cancelledOrders = cancelledOrdersTable(shippingSchema);
/** Events written with the state change they describe; published by the relay. */
export const outbox = outboxTable(shippingSchema);
/** The idempotent-consumer record of the events handled. */
export const processedEvents = processedEventsTable(shippingSchema);
