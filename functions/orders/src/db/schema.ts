/**
 * The drizzle schema of orders: its projection of the catalog, the orders, and the runtime's outbox
 * and processed-events tables, all in the Postgres schema `orders`.
 */
import { outboxTable, processedEventsTable } from "@shop/runtime";
import { type SQL, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  index,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** The Postgres schema orders owns. */
export const ordersSchema = pgSchema("orders");

/** Orders' projection of the catalog (from ProductChanged): what PlaceOrder prices lines with. */
export const products = ordersSchema.table("products", {
  productId: text("product_id").primaryKey(),
  name: text("name").notNull(),
  category: text("category").notNull(),
  priceMinor: bigint("price_minor", { mode: "bigint" }).notNull(),
  currency: text("currency").notNull(),
  active: boolean("active").notNull(),
  // The catalog's version of the product: an event that is not newer changes nothing.
  version: bigint("version", { mode: "bigint" }).notNull(),
  changedAt: timestamp("changed_at", { withTimezone: true }),
});

/**
 * Orders' projection of shipping's options (from ShippingOptionChanged): what PlaceOrder prices
 * shipping and checks the destination country with.
 */
export const shippingOptions = ordersSchema.table("shipping_options", {
  optionId: text("option_id").primaryKey(),
  name: text("name").notNull(),
  priceMinor: bigint("price_minor", { mode: "bigint" }).notNull(),
  currency: text("currency").notNull(),
  // ISO 3166-1 alpha-2 codes, upper case.
  countries: jsonb("countries").$type<string[]>().notNull(),
  active: boolean("active").notNull(),
  // Shipping's version of the option: an event that is not newer changes nothing.
  version: bigint("version", { mode: "bigint" }).notNull(),
});

/** The destination of an order that ships, as stored. */
export interface StoredAddress {
  name: string;
  line1: string;
  line2: string;
  city: string;
  postcode: string;
  country: string;
}

/** The delivery chosen at checkout, as stored (its price is in the order's own columns). */
export interface StoredShipping {
  option: string;
  optionName: string;
  address: StoredAddress;
}

/** Where an order's parcel is, in shipping's words. */
export type ShipmentStatusName = "PREPARING" | "DISPATCHED" | "DELIVERED" | "CANCELLED";

/** Orders' view of an order's parcel (from shipping's events), as stored: times in ISO 8601. */
export interface StoredShipment {
  shipmentId: string;
  status: ShipmentStatusName;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string;
  dispatchedAt: string | null;
  deliveredAt: string | null;
}

/** Who ended an order. */
export type CancelledByName = "SYSTEM" | "CUSTOMER" | "ADMIN";

/** Where an order is in the saga; CONFIRMED and CANCELLED are final. */
export type OrderStatusName = "PENDING" | "PRICED" | "RESERVED" | "CONFIRMED" | "CANCELLED";

/** One line of an order as stored: amounts as decimal strings of minor units (JSON has no bigint). */
export interface StoredLine {
  productId: string;
  productName: string;
  category: string;
  quantity: number;
  unitPriceMinor: string;
  lineTotalMinor: string;
}

/** A refund of an order's charge as stored (from PaymentRefunded): the amount as a decimal string. */
export interface StoredRefund {
  amountMinor: string;
  currency: string;
  reason: string;
  /** ISO 8601. */
  refundedAt: string;
}

/**
 * The condition of a non-final order, as one SQL text: the reconciler's query repeats the partial
 * index's predicate word for word, so the planner can use the index whatever the query's parameters.
 */
export function isOpen(status: AnyPgColumn): SQL {
  return sql`${status} in ('PENDING', 'PRICED', 'RESERVED')`;
}

/** A customer's order. Lines never change after placing, so they live in the row as JSON. */
export const orders = ordersSchema.table(
  "orders",
  {
    id: text("id").primaryKey(),
    // Gives "newest first" a total order for cursor paging, independent of clock precision.
    seq: bigserial("seq", { mode: "number" }).notNull().unique(),
    customerId: text("customer_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    status: text("status").$type<OrderStatusName>().notNull(),
    lines: jsonb("lines").$type<StoredLine[]>().notNull(),
    currency: text("currency").notNull(),
    subtotalMinor: bigint("subtotal_minor", { mode: "bigint" }).notNull(),
    discountMinor: bigint("discount_minor", { mode: "bigint" }).notNull(),
    totalMinor: bigint("total_minor", { mode: "bigint" }).notNull(),
    couponCode: text("coupon_code").notNull().default(""),
    promotions: jsonb("promotions").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    cancelReason: text("cancel_reason").notNull().default(""),
    // Set by OrderPriced; null while promotions have not answered (even if a later step already has).
    pricedAt: timestamp("priced_at", { withTimezone: true }),
    // The payment token in clear: only orders placed before tokens were sealed have one (their re-asks
    // still carry it); cleared once the order is final. New orders keep only the sealed one.
    paymentToken: text("payment_token"),
    // The payment token sealed for payments (secrets/transit.ts in the runtime), bound to this order:
    // kept while the order is open, to ask again with the same OrderPlaced; cleared once it is final.
    sealedPaymentToken: text("sealed_payment_token"),
    // When the reconciler next asks for the missing step again (moved on by each re-ask, never past
    // give_up_at). The defaults are for orders placed before deadlines: asked again at once, given up
    // 10 minutes after the migration; PlaceOrder sets both from the config.
    deadlineAt: timestamp("deadline_at", { withTimezone: true }).notNull().defaultNow(),
    // The final deadline: an order still open then is cancelled.
    giveUpAt: timestamp("give_up_at", { withTimezone: true })
      .notNull()
      .default(sql`now() + interval '10 minutes'`),
    refund: jsonb("refund").$type<StoredRefund>(),
    // The trace context PlaceOrder ran in (null with tracing off): the reconciler's re-asks join the
    // order's trace instead of starting one of their own.
    traceParent: text("trace_parent"),
    traceState: text("trace_state"),
    // The server cart the order was placed from ("" for none).
    cartId: text("cart_id").notNull().default(""),
    // Null for an order placed without an address: nothing ships. Shipping's price, in the order's
    // currency, is `shipping_price_minor`; what promotions made the customer pay, `shipping_charged_minor`
    // (null until priced).
    shipping: jsonb("shipping").$type<StoredShipping>(),
    shippingPriceMinor: bigint("shipping_price_minor", { mode: "bigint" }),
    shippingChargedMinor: bigint("shipping_charged_minor", { mode: "bigint" }),
    // Who cancelled it and when; null unless CANCELLED (and for orders cancelled before this was kept).
    cancelledBy: text("cancelled_by").$type<CancelledByName>(),
    cancelledById: text("cancelled_by_id").notNull().default(""),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    // The parcel, from shipping's events; null until ShipmentCreated (or any later one) arrives.
    shipment: jsonb("shipment").$type<StoredShipment>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("orders_customer_idempotency_key").on(table.customerId, table.idempotencyKey),
    index("orders_customer_seq").on(table.customerId, table.seq),
    // The reconciler's query: open orders by deadline. Final orders (nearly all) stay out of it.
    index("orders_open_deadline").on(table.deadlineAt).where(isOpen(table.status)),
  ],
);

/** A stored order row. */
export type OrderRow = typeof orders.$inferSelect;

export const outbox = outboxTable(ordersSchema);
export const processedEvents = processedEventsTable(ordersSchema);

/** Whether orders published an event of an order's saga or consumed it. */
export type OrderEventDirectionName = "emitted" | "consumed";

/**
 * The history of each order: every event of its saga orders emitted (written by a trigger on the
 * outbox, in the emitting transaction: see migrations/0007_order_events_from_outbox.sql) or consumed (written by the subscription
 * hook in events/history.ts, in the handler's transaction). One row per event, whatever redelivers it.
 */
export const orderEvents = ordersSchema.table(
  "order_events",
  {
    // Recording order: breaks ties of event time (an event and the one its handler emits may share a ms).
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    orderId: text("order_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    eventSource: text("event_source").notNull(),
    // The CloudEvent's time: when its publisher says it happened.
    eventTime: timestamp("event_time", { withTimezone: true }).notNull(),
    direction: text("direction").$type<OrderEventDirectionName>().notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // CloudEvents are unique by (source, id): a redelivered event is not recorded twice.
    uniqueIndex("order_events_source_id_idx").on(table.eventSource, table.eventId),
    index("order_events_order_idx").on(table.orderId, table.eventTime),
  ],
);

/** A recorded event of an order's history. */
export type OrderEventRow = typeof orderEvents.$inferSelect;
