/**
 * Retention of dead letters: those done with are deleted once old.
 */
import type { Tx } from "@shop/runtime";
import { and, lt, ne } from "drizzle-orm";
import { deadLetters } from "../db/schema.ts";

/** Deletes the letters done with (redriven, exhausted, dead) before `before`; returns how many. */
export async function pruneLetters(tx: Tx, { before }: { before: Date }): Promise<number> {
  const deleted = await tx.db
    .delete(deadLetters)
    .where(and(ne(deadLetters.state, "waiting"), lt(deadLetters.resolvedAt, before)))
    .returning({ id: deadLetters.id });
  return deleted.length;
}
