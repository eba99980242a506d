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

const current = (column: string) => sql.raw(`"analytics"."order_facts"."${column}"`);
const incoming = (column: string) => sql.raw(`excluded."${column}"`);
const firstKnown = (column: string) => sql`coalesce(${current(column)}, ${incoming(column)})`;
// least/greatest ignore nulls in Postgres: the earliest time either side knows.
const earliest = (column: string) => sql`least(${current(column)}, ${incoming(column)})`;
const unlessEmpty = (column: string) =>
  sql`case when ${current(column)} = '' then ${incoming(column)} else ${current(column)} end`;

/** Merges `input` into the facts of its order (creating the row on its first event). */
export async function recordOrderFacts(tx: Tx, input: OrderFactsInput): Promise<void> {
  await tx.db
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
    .onConflictDoUpdate({
      target: orderFacts.orderId,
      set: {
        customerId: unlessEmpty("customer_id"),
        currency: firstKnown("currency"),
        placedAt: earliest("placed_at"),
        couponCode: unlessEmpty("coupon_code"),
        subtotalMinor: firstKnown("subtotal_minor"),
        discountMinor: firstKnown("discount_minor"),
        pricedTotalMinor: firstKnown("priced_total_minor"),
        confirmedTotalMinor: firstKnown("confirmed_total_minor"),
        lines: sql`case when ${incoming("lines_from")} > ${current("lines_from")} then ${incoming("lines")} else ${current("lines")} end`,
        linesFrom: sql`greatest(${current("lines_from")}, ${incoming("lines_from")})`,
        confirmedAt: earliest("confirmed_at"),
        cancelledAt: earliest("cancelled_at"),
        cancelCause: firstKnown("cancel_cause"),
        wasConfirmed: sql`${current("was_confirmed")} or ${incoming("was_confirmed")}`,
      },
    });
}
