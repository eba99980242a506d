/**
 * Retention of the delivery log: deliveries done with (delivered or failed) are deleted once old.
 */
import type { Tx } from "@shop/runtime";
import { and, inArray, lt } from "drizzle-orm";
import { deliveries } from "../db/schema.ts";

/** Deletes the deliveries done with that were created before `before`; answers how many. */
export async function pruneDeliveries(tx: Tx, { before }: { before: Date }): Promise<number> {
  const deleted = await tx.db
    .delete(deliveries)
    .where(and(inArray(deliveries.status, ["delivered", "failed"]), lt(deliveries.createdAt, before)))
    .returning({ id: deliveries.id });
  return deleted.length;
}
