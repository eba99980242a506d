/**
 * The one write of analytics: merges what one event tells about an order into the order's row of
 * facts. Every merge rule is commutative and idempotent (the earliest time, the first non-null value,
 * the lines of the latest saga step, "was confirmed" once true), so the row — and every figure derived
 * from it — is the same whatever order the events come in, however often each comes, and whether an
 * OrderPlaced came once or again as a re-ask with a new event id.
 */
import type { Tx } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { type FactLine, LINES_FROM, orderFacts } from "../db/schema.ts";

/** What one event tells about an order; undefined: the event does not say. */
export interface OrderFactsInput {
  orderId: string;
  customerId?: string;
  currency?: string;
  placedAt?: Date;
  couponCode?: string;
  subtotalMinor?: bigint;
  discountMinor?: bigint;
  pricedTotalMinor?: bigint;
  confirmedTotalMinor?: bigint;
  /** The lines, and which step they come from (the latest step's win). */
  lines?: { from: (typeof LINES_FROM)[keyof typeof LINES_FROM]; lines: FactLine[] };
  confirmedAt?: Date;
  cancelledAt?: Date;
  cancelCause?: number;
  wasConfirmed?: boolean;
}

// The merge rules are fixed text (no parameters), so each is one raw chunk: drizzle renders a raw
// chunk as it is, where a rule built of nested sql`` fragments was walked chunk by chunk on every event
// (this upsert took 220 µs of CPU to build, 4 times the processed-event insert of other functions).
const current = (column: string) => `"analytics"."order_facts"."${column}"`;
const incoming = (column: string) => `excluded."${column}"`;
const firstKnown = (column: string) => `coalesce(${current(column)}, ${incoming(column)})`;
// least/greatest ignore nulls in Postgres: the earliest time either side knows.
const earliest = (column: string) => `least(${current(column)}, ${incoming(column)})`;
const unlessEmpty = (column: string) =>
  `case when ${current(column)} = '' then ${incoming(column)} else ${current(column)} end`;

/** Each column's merge rule: the row's value after the event, from its value and the event's. */
const MERGE: [keyof typeof orderFacts.$inferInsert, string, string][] = [
  ["customerId", "customer_id", unlessEmpty("customer_id")],
  ["currency", "currency", firstKnown("currency")],
  ["placedAt", "placed_at", earliest("placed_at")],
  ["couponCode", "coupon_code", unlessEmpty("coupon_code")],
  ["subtotalMinor", "subtotal_minor", firstKnown("subtotal_minor")],
  ["discountMinor", "discount_minor", firstKnown("discount_minor")],
  ["pricedTotalMinor", "priced_total_minor", firstKnown("priced_total_minor")],
  ["confirmedTotalMinor", "confirmed_total_minor", firstKnown("confirmed_total_minor")],
  [
    "lines",
    "lines",
    `case when ${incoming("lines_from")} > ${current("lines_from")} then ${incoming("lines")} else ${current("lines")} end`,
  ],
  ["linesFrom", "lines_from", `greatest(${current("lines_from")}, ${incoming("lines_from")})`],
  ["confirmedAt", "confirmed_at", earliest("confirmed_at")],
  ["cancelledAt", "cancelled_at", earliest("cancelled_at")],
  ["cancelCause", "cancel_cause", firstKnown("cancel_cause")],
  ["wasConfirmed", "was_confirmed", `${current("was_confirmed")} or ${incoming("was_confirmed")}`],
];
const SET = Object.fromEntries(MERGE.map(([key, , rule]) => [key, sql.raw(rule)]));
// Only a merge that changes the row writes it: a redelivery (or a re-ask saying the same) writes nothing.
const CHANGES = sql.raw(
  `(${MERGE.map(([, column]) => current(column)).join(", ")}) is distinct from (${MERGE.map(([, , rule]) => rule).join(", ")})`,
);

/**
 * Merges `input` into the facts of its order (creating the row on its first event). Returns whether
 * the row changed: false for an event that tells nothing new (a redelivery, a re-ask).
 */
export async function recordOrderFacts(tx: Tx, input: OrderFactsInput): Promise<boolean> {
  const changed = await tx.db
    .insert(orderFacts)
    .values({
      orderId: input.orderId,
      customerId: input.customerId ?? "",
      currency: input.currency ?? null,
      placedAt: input.placedAt ?? null,
      couponCode: (input.couponCode ?? "").trim().toUpperCase(),
      subtotalMinor: input.subtotalMinor ?? null,
      discountMinor: input.discountMinor ?? null,
      pricedTotalMinor: input.pricedTotalMinor ?? null,
      confirmedTotalMinor: input.confirmedTotalMinor ?? null,
      lines: input.lines?.lines ?? [],
      linesFrom: input.lines?.from ?? LINES_FROM.none,
      confirmedAt: input.confirmedAt ?? null,
      cancelledAt: input.cancelledAt ?? null,
      cancelCause: input.cancelCause ?? null,
      wasConfirmed: input.wasConfirmed ?? false,
    })
    .onConflictDoUpdate({ target: orderFacts.orderId, set: SET, setWhere: CHANGES })
    .returning({ orderId: orderFacts.orderId });
  return changed.length > 0;
}
