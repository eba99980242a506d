/**
 * Moving an order forward in the saga with one conditional UPDATE, so that two events racing for
 * the same order cannot both win and a late event never moves it back.
 */
import type { Db } from "@shop/runtime";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { type OrderRow, type OrderStatusName, orders } from "../db/schema.ts";
import { statusesBefore } from "./status.ts";

/**
 * What a saga event did to its order: moved it (`applied`), found it already at or past that step
 * (`unchanged`: a late or stale event), or found no such order (`missing`).
 */
export type SagaOutcome =
  | { kind: "applied"; order: OrderRow }
  | { kind: "unchanged"; order: OrderRow }
  | { kind: "missing" };

/** Moves order `orderId` to `target` (and writes `set`) if it is at an earlier status. */
export async function advance(
  db: Db,
  orderId: string,
  target: OrderStatusName,
  set: PgUpdateSetSource<typeof orders> = {},
): Promise<SagaOutcome> {
  return updateOrder(
    db,
    orderId,
    { ...set, status: target },
    and(eq(orders.id, orderId), inArray(orders.status, statusesBefore(target))),
  );
}

/** Runs one UPDATE of an order under `where`, and tells what became of it. */
export async function updateOrder(
  db: Db,
  orderId: string,
  set: PgUpdateSetSource<typeof orders>,
  where: SQL | undefined,
): Promise<SagaOutcome> {
  const [updated] = await db
    .update(orders)
    .set({ ...set, updatedAt: sql`now()` })
    .where(where)
    .returning();
  if (updated) return { kind: "applied", order: updated };
  const [current] = await db.select().from(orders).where(eq(orders.id, orderId));
  return current ? { kind: "unchanged", order: current } : { kind: "missing" };
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
