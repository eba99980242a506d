/**
 * The per-order lock of payments.
 */
import type { Tx } from "@shop/runtime";
import { sql } from "drizzle-orm";

/**
 * Serialises what payments does for one order until the transaction ends. StockReserved and
 * OrderCancelled come through separate triggers, so both can be handled at once; without this a
 * cancellation could miss a charge that is being made and never refund it.
 */
export async function lockOrder(tx: Pick<Tx, "db">, orderId: string): Promise<void> {
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('payments.order'), hashtext(${orderId}))`);
}
