/**
 * An INSERT whose rows are written only where a condition holds: the body of a data-modifying CTE
 * that writes what another part of the same statement decides (inventory's reservation writes the
 * lines held and its answer only when every line could be held). One statement instead of a read, a
 * decision in the process, and a write.
 */
import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./database.ts";

/**
 * `insert into table (every column) select * from (values …) where condition`: each row's columns as
 * given, else the column's default, each cast to the column's type (a SELECT gives its values no type
 * of their own, as VALUES in an INSERT would).
 */
export function insertWhere<T extends PgTable>(
  db: Pick<Db, "insert">,
  table: T,
  rows: T["$inferInsert"][],
  condition: SQL,
) {
  if (rows.length === 0) throw new Error("insertWhere needs a row to insert");
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>).filter(
    // Generated columns cannot be written, as in drizzle's own INSERT.
    ([, column]) => column.generated === undefined && column.generatedIdentity?.type !== "always",
  );
  const tuple = (row: Record<string, unknown>) =>
    sql`(${sql.join(
      columns.map(([name, column]) => columnValue(column, row[name])),
      sql`, `,
    )})`;
  const tuples = rows.map((row) => tuple(row as Record<string, unknown>));
  return db
    .insert(table)
    .select(sql`select * from (values ${sql.join(tuples, sql`, `)}) as v where ${condition}`);
}

/** A column's value in the SELECT: as given, else its default (SQL or a value), else null; typed. */
function columnValue(column: PgColumn, given: unknown): SQL {
  const type = sql.raw(column.getSQLType());
  const value = given !== undefined ? given : column.defaultFn ? column.defaultFn() : column.default;
  if (value === undefined || value === null) return sql`null::${type}`;
  if (is(value, SQL)) return sql`(${value})::${type}`;
  return sql`${sql.param(value, column)}::${type}`;
}
