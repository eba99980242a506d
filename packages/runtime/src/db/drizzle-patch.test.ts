/**
 * patches/drizzle-orm@0.45.4.patch: drizzle's `is` finds each class's entity kinds once and keeps
 * them, and the SQL builder looks a chunk's kinds up once instead of once per branch. What it must
 * keep: every answer `is` gave (subclasses, another copy's classes known by their kind, non-entities)
 * and every query's text and parameters. The expected texts are what the unpatched drizzle builds.
 */
import { Column, entityKind, is, SQL, sql, Table } from "drizzle-orm";
import { integer, PgColumn, PgTable, pgSchema, text } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import { describe, expect, it } from "vitest";

const shop = pgSchema("shop");
const items = shop.table("items", {
  id: text("id").primaryKey(),
  count: integer("count").notNull(),
  note: text("note"),
});

describe("drizzle's is, patched", () => {
  it("answers for subclasses as for the class itself, again and again (the kept kinds)", () => {
    for (let i = 0; i < 3; i++) {
      expect(is(items.id, Column)).toBe(true);
      expect(is(items.id, PgColumn)).toBe(true);
      expect(is(items, Table)).toBe(true);
      expect(is(items, PgTable)).toBe(true);
      expect(is(items.id, Table)).toBe(false);
      expect(is(sql`1`, SQL)).toBe(true);
      expect(is(sql`1`, Column)).toBe(false);
    }
  });

  it("knows a class of another copy of drizzle by its entity kind, through its ancestors", () => {
    // What a second copy of drizzle-orm in node_modules looks like to this one: unrelated classes
    // that carry the same kinds.
    class OtherColumn {
      static readonly [entityKind]: string = "Column";
      readonly name = "id";
    }
    class OtherPgColumn extends OtherColumn {
      static override readonly [entityKind]: string = "PgColumn";
    }
    const column = new OtherPgColumn();
    expect(column instanceof Column).toBe(false);
    expect(is(column, PgColumn)).toBe(true);
    expect(is(column, Column)).toBe(true);
    expect(is(column, Table)).toBe(false);
  });

  it("says no for what is not an entity, and refuses a class that is not one", () => {
    for (const value of [null, undefined, 0, "text", [], {}, new Date(), new Uint8Array(1)]) {
      expect(is(value, SQL)).toBe(false);
    }
    class NotAnEntity {}
    expect(() => is({}, NotAnEntity as never)).toThrow(/doesn't look like a Drizzle entity/);
  });
});

describe("drizzle's SQL builder, patched", () => {
  const db = drizzle.mock();

  it("builds the same text and parameters for every kind of chunk", () => {
    const recent = db
      .$with("recent")
      .as(db.select({ id: items.id }).from(items).where(sql`${items.count} > ${5}`));
    const query = db
      .with(recent)
      .select({ id: items.id, doubled: sql<number>`${items.count} * ${2}`.as("doubled") })
      .from(items)
      .where(
        sql`${items.id} in (select ${recent.id} from ${recent}) and ${items.note} = ${sql.placeholder("note")}`,
      )
      .toSQL();
    expect(query.sql).toBe(
      'with "recent" as (select "id" from "shop"."items" where "shop"."items"."count" > $1) ' +
        'select "id", "count" * $2 as "doubled" from "shop"."items" ' +
        'where "shop"."items"."id" in (select "recent"."id" from "recent") and "shop"."items"."note" = $3',
    );
    expect(query.params).toEqual([5, 2, sql.placeholder("note")]);

    const upsert = db
      .insert(items)
      .values([
        { id: "a", count: 1 },
        { id: "b", count: 2, note: "x" },
      ])
      .onConflictDoUpdate({ target: items.id, set: { count: sql`excluded.count` } })
      .returning({ id: items.id })
      .toSQL();
    expect(upsert.sql).toBe(
      'insert into "shop"."items" ("id", "count", "note") values ($1, $2, default), ($3, $4, $5) ' +
        'on conflict ("id") do update set "count" = excluded.count returning "id"',
    );
    expect(upsert.params).toEqual(["a", 1, "b", 2, "x"]);
  });
});
