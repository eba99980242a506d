/**
 * An INSERT whose rows are written only where a condition holds: the body of a data-modifying CTE
 * that writes what another part of the same statement decides (inventory's reservation writes the
 * lines held and its answer only when every line could be held). One statement instead of a read, a
 * decision in the process, and a write.
 */
import { getTableColumns, getTableName, is, SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./database.ts";

/**
 * `insert into table (columns) select * from (values …) where condition`, with the columns drizzle's
 * own INSERT lists (all but those generated always). Each row's columns are as given, else the
 * column's drizzle default (`default`, `$defaultFn`, else `$onUpdateFn`), else null; each cast to the
 * column's type, since a SELECT gives its values no type of their own as VALUES in an INSERT would.
 * A default only the database knows (serial, identity, a DEFAULT of a migration alone) cannot be
 * written in a SELECT: such a column must be given, or this throws. Not for enum columns (the cast
 * would name the enum without its schema).
 */
export function insertWhere<T extends PgTable>(
  db: Pick<Db, "insert">,
  table: T,
  rows: T["$inferInsert"][],
  condition: SQL,
) {
  if (rows.length === 0) throw new Error("insertWhere needs a row to insert");
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>).filter(
    // As drizzle's shouldDisableInsert: a column generated always cannot be written.
    ([, column]) => column.generated === undefined || column.generated.type === "byDefault",
  );
  const tuple = (row: Record<string, unknown>) =>
    sql`(${sql.join(
      columns.map(([name, column]) => columnValue(table, column, row[name])),
      sql`, `,
    )})`;
  const tuples = rows.map((row) => tuple(row as Record<string, unknown>));
  return db
    .insert(table)
    .select(sql`select * from (values ${sql.join(tuples, sql`, `)}) as v where ${condition}`);
}

/** A column's value in the SELECT: as given, else its drizzle default, else null; typed. */
function columnValue(table: PgTable, column: PgColumn, given: unknown): SQL {
  const type = sql.raw(column.getSQLType());
  let value = given;
  if (value === undefined) {
    if (column.defaultFn) value = column.defaultFn();
    else if (column.default !== undefined) value = column.default;
    else if (column.onUpdateFn) value = column.onUpdateFn();
    else if (column.hasDefault) {
      throw new Error(
        `insertWhere: ${getTableName(table)}.${column.name} has a default only the database knows; give it a value`,
      );
    }
  }
  if (value === undefined || value === null) return sql`null::${type}`;
  if (is(value, SQL)) return sql`(${value})::${type}`;
  return sql`${sql.param(value, column)}::${type}`;
}
