/**
 * setStock: an administrator says how many units of a product can be sold from now on.
 */
import { type AdminAction, recordAdminAction, type Tx } from "@shop/runtime";
import { and, eq } from "drizzle-orm";
import { stock } from "../db/schema.ts";
import { invalidAvailable, productIdMissing, staleStock } from "./errors.ts";
import {
  emitStockChanged,
  nextVersion,
  readStock,
  type StockLevel,
  stockLevelColumns,
} from "./stock-level.ts";

/** The most units of one product the shop keeps: an int32, as in the contract. */
export const MAX_UNITS = 2_147_483_647;

/** What an administrator writes: the units available, and the version of the stock they read. */
export interface SetStockInput {
  productId: string;
  available: number;
  /**
   * The version the administrator read (GetStock or an earlier SetStock). When the stock has changed
   * since, the write is refused (`staleStock`). Undefined: written whatever the version, as clients
   * from before versions do.
   */
  expectedVersion?: bigint | undefined;
}

/**
 * Sets the available units of a product (creating its stock the first time), moves it to its next
 * version and emits StockChanged. Units held for orders in progress and units sold are kept as they
 * are: they are already promised to customers. With `expectedVersion`, refuses a write based on a
 * stock that has changed since it was read, so an administrator who read 10 and writes 10 after
 * three reservations does not promise 13. Recorded in the audit log as `actor`'s, with the stock
 * before and after.
 */
export async function setStock(
  tx: Tx,
  input: SetStockInput,
  actor: AdminAction["actor"],
): Promise<StockLevel> {
  const productId = input.productId.trim();
  if (!productId) throw productIdMissing();
  const { available, expectedVersion } = input;
  if (!Number.isInteger(available) || available < 0 || available > MAX_UNITS) {
    throw invalidAvailable(available);
  }
  // Locked, so the "before" of the audit entry is the stock this write replaces.
  const [before] = await tx.db
    .select(stockLevelColumns)
    .from(stock)
    .where(eq(stock.productId, productId))
    .for("update");
  // Each is one statement, so the version check and the write cannot be split by another change: a
  // concurrent writer's row lock makes this one re-read the row and compare its version again.
  const [row] =
    expectedVersion === undefined || expectedVersion === 0n
      ? await tx.db
          .insert(stock)
          .values({ productId, available, version: 1n })
          .onConflictDoUpdate({
            target: stock.productId,
            set: { available, ...nextVersion },
            ...(expectedVersion === 0n && { setWhere: eq(stock.version, 0n) }),
          })
          .returning(stockLevelColumns)
      : await tx.db
          .update(stock)
          .set({ available, ...nextVersion })
          .where(and(eq(stock.productId, productId), eq(stock.version, expectedVersion)))
          .returning(stockLevelColumns);
  if (!row) {
    const current = await readStock(tx.db, productId);
    throw staleStock(productId, expectedVersion ?? 0n, current.version);
  }
  await emitStockChanged(tx, row);
  await recordAdminAction(tx, { actor, action: "inventory.SetStock", target: productId, before, after: row });
  return row;
}
