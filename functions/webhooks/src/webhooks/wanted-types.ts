/**
 * The event types some enabled endpoint asks for, kept in memory: webhooks is fed every shop event,
 * most of which no endpoint wants, and answering those without a transaction is most of its cost.
 */
import type { Db } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { endpoints } from "../db/schema.ts";

/** Answers whether any enabled endpoint takes a type. */
export interface WantedTypes {
  wants(type: string): Promise<boolean>;
  /** Forgets what it read, so the next question reads again (after this process changed endpoints). */
  invalidate(): void;
}

/**
 * Reads the wanted types at most every `maxAgeMs` (and at once after `invalidate`). An endpoint
 * registered through another replica takes events from at most `maxAgeMs` later.
 */
export function createWantedTypes(db: Db, maxAgeMs: number, now = () => Date.now()): WantedTypes {
  let read: { at: number; types: Promise<Set<string>> } | undefined;
  const load = async () => {
    const rows = await db
      .select({ eventTypes: endpoints.eventTypes })
      .from(endpoints)
      .where(eq(endpoints.enabled, true));
    return new Set(rows.flatMap((row) => row.eventTypes));
  };
  return {
    async wants(type) {
      if (!read || now() - read.at > maxAgeMs) {
        const types = load();
        read = { at: now(), types };
        // A failed read is not kept: the next question tries again.
        types.catch(() => {
          if (read?.types === types) read = undefined;
        });
      }
      return (await read.types).has(type);
    },
    invalidate() {
      read = undefined;
    },
  };
}
