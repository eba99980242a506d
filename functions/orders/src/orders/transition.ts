/**
 * Moving an order forward in the saga with one conditional UPDATE, so that two events racing for
 * the same order cannot both win and a late event never moves it back.
 */
import type { Db } from "@shop/runtime";
import { and, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { type OrderRow, type OrderStatusName, orders } from "../db/schema.ts";
import { type ConsumedOrderEvent, historyInsert } from "./record-order-event.ts";
import { statusesBefore } from "./status.ts";

/**
 * What a saga event did to its order: moved it (`applied`), found it already at or past that step
 * (`unchanged`: a late or stale event), or found no such order (`missing`).
 */
export type SagaOutcome =
  | { kind: "applied"; order: OrderRow }
  | { kind: "unchanged"; order: OrderRow }
  | { kind: "missing" }
  | DuplicateOutcome;

/**
 * Only for a step given the event it consumes (`consumed`): the event was in the order's history
 * already, a redelivery, and nothing changed.
 */
export interface DuplicateOutcome {
  kind: "duplicate";
}

/**
 * Moves order `orderId` to `target` (and writes `set`) if it is at an earlier status; with `consumed`,
 * records that event in the order's history in the same statement (see updateOrder).
 */
export async function advance(
  db: Db,
  orderId: string,
  target: OrderStatusName,
  set: PgUpdateSetSource<typeof orders> = {},
  consumed?: ConsumedOrderEvent,
): Promise<SagaOutcome> {
  return updateOrder(
    db,
    orderId,
    { ...set, status: target },
    and(eq(orders.id, orderId), inArray(orders.status, statusesBefore(target))),
    consumed,
  );
}

/**
 * Runs one UPDATE of an order under `where`, and tells what became of it. With `consumed` (the event
 * that asks for it), the same statement first adds that event to the order's history, and updates
 * only if this delivery added it: a redelivery finds its history row, changes nothing and is told
 * `duplicate`, so a saga step costs one statement and can commit by itself (its subscription
 * `autocommit`). The row is updated on the same terms either way; the history row is written even
 * when the order is already at or past the step (`unchanged`), as recordOrderEvent would.
 */
export async function updateOrder(
  db: Db,
  orderId: string,
  set: PgUpdateSetSource<typeof orders>,
  where: SQL | undefined,
  consumed?: ConsumedOrderEvent,
): Promise<SagaOutcome> {
  const values = { ...set, updatedAt: sql`now()` };
  if (consumed) {
    const inserted = historyInsert(db, consumed);
    // The UPDATE reads the insert's RETURNING, so it runs after it and only for an event it added.
    const updated = db.$with("updated").as(
      db
        .update(orders)
        .set(values)
        .where(and(where, sql`exists (select 1 from ${inserted})`))
        .returning(),
    );
    const [found] = await db
      .with(inserted, updated)
      .select({ added: sql<boolean>`exists (select 1 from ${inserted})`, order: updatedColumns(updated) })
      .from(orders)
      .leftJoin(updated, eq(updated.id, orders.id))
      .where(eq(orders.id, orderId));
    if (!found) return { kind: "missing" };
    if (!found.added) return { kind: "duplicate" };
    if (found.order) return { kind: "applied", order: found.order };
  } else {
    const [updated] = await db.update(orders).set(values).where(where).returning();
    if (updated) return { kind: "applied", order: updated };
  }
  const [current] = await db.select().from(orders).where(eq(orders.id, orderId));
  return current ? { kind: "unchanged", order: current } : { kind: "missing" };
}

/** The order's columns as the `updated` CTE returns them, to select next to the history's answer. */
function updatedColumns(updated: object): ReturnType<typeof getTableColumns<typeof orders>> {
  const columns = updated as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(getTableColumns(orders)).map((key) => [key, columns[key]]),
  ) as ReturnType<typeof getTableColumns<typeof orders>>;
}

/**
 * Columns that take the total a later step carries when promotions' answer has not reached this
 * order yet (OrderPriced and StockReserved travel through different triggers, so they may arrive out
 * of order): the amounts shown are always those the customer is charged. OrderPriced fills in the rest.
 */
export function totalUnlessPriced(totalMinor: bigint): PgUpdateSetSource<typeof orders> {
  const total = sql`${totalMinor.toString()}::bigint`;
  return {
    totalMinor: sql`case when ${orders.pricedAt} is null then ${total} else ${orders.totalMinor} end`,
    // The total includes shipping for an order that ships, so the discount is what is left of both.
    discountMinor: sql`case when ${orders.pricedAt} is null then greatest(${orders.subtotalMinor} + coalesce(${orders.shippingPriceMinor}, 0) - ${total}, 0) else ${orders.discountMinor} end`,
  };
}
