import { sql } from "drizzle-orm";
import { bigint, integer, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertWhere } from "./insert-where.ts";
import { openPGlite } from "./pglite.ts";

const notes = pgTable("notes", {
  id: text("id").primaryKey(),
  count: integer("count").notNull(),
  total: bigint("total", { mode: "bigint" }).notNull().default(sql`0`),
  tags: jsonb("tags").$type<string[]>().notNull().default([]),
  label: text("label").notNull().default("none"),
  memo: text("memo"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

describe("insertWhere", () => {
  let pglite: Awaited<ReturnType<typeof openPGlite>>;
  let db: ReturnType<typeof drizzle>;

  beforeAll(async () => {
    pglite = await openPGlite();
    db = drizzle({ client: pglite });
    await pglite.exec(`create table notes (id text primary key, count integer not null,
      total bigint not null default 0, tags jsonb not null default '[]', label text not null default 'none', memo text,
      created_at timestamptz not null default now())`);
  });
  afterAll(() => pglite.close());

  it("writes every row, with the columns' defaults for those not given, when the condition holds", async () => {
    const rows = [
      { id: "a", count: 2, tags: ["x", "y"], total: 9_007_199_254_740_993n },
      { id: "b", count: 3, label: "kept", memo: "hello" },
    ];
    const written = await insertWhere(db, notes, rows, sql`1 = 1`).returning({ id: notes.id });
    expect(written.map((r) => r.id)).toEqual(["a", "b"]);
    const stored = await db.select().from(notes).orderBy(notes.id);
    expect(stored).toEqual([
      {
        id: "a",
        count: 2,
        total: 9_007_199_254_740_993n,
        tags: ["x", "y"],
        label: "none",
        memo: null,
        createdAt: expect.any(Date),
      },
      { id: "b", count: 3, total: 0n, tags: [], label: "kept", memo: "hello", createdAt: expect.any(Date) },
    ]);
  });

  it("writes nothing when the condition does not hold", async () => {
    const written = await insertWhere(db, notes, [{ id: "c", count: 1 }], sql`1 = 0`).returning({
      id: notes.id,
    });
    expect(written).toEqual([]);
    expect(await db.select({ id: notes.id }).from(notes).where(sql`${notes.id} = 'c'`)).toEqual([]);
  });

  it("refuses a column whose default only the database knows, rather than writing null into it", () => {
    const counters = pgTable("counters", { seq: serial("seq").primaryKey(), name: text("name").notNull() });
    expect(() => insertWhere(db, counters, [{ name: "n" }], sql`true`)).toThrow(
      "insertWhere: counters.seq has a default only the database knows; give it a value",
    );
  });
});
