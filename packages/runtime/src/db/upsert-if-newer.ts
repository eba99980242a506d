/**
 * A projection's write of a fact that carries a version (ProductChanged, ShippingOptionChanged):
 * insert the row, or replace it only when the stored version is older, in one statement. Events of
 * one entity may arrive late or twice; the newest version wins whatever the order of delivery.
 */
import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./database.ts";

/**
 * Stores `values` in `table` keyed by `key` unless the row there has this `version` or a newer one;
 * only the columns given in `values` are replaced. Resolves whether it stored them.
 */
export async function upsertIfNewer<T extends PgTable>(
  db: Pick<Db, "insert">,
  table: T,
  values: T["$inferInsert"],
  { key, version }: { key: PgColumn; version: PgColumn },
): Promise<boolean> {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const set: Record<string, SQL> = {};
  for (const name of Object.keys(values as object)) {
    const column = columns[name];
    if (column && column !== key) set[name] = sql`excluded.${sql.identifier(column.name)}`;
  }
  const stored = await db
    .insert(table)
    .values(values)
    .onConflictDoUpdate({
      target: key,
      set,
      setWhere: sql`${version} < excluded.${sql.identifier(version.name)}`,
    })
    .returning({ key });
  return stored.length > 0;
}
