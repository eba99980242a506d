/**
 * listEntries: the log, newest first, a page at a time, optionally by actor, action and target.
 */
import type { Db } from "@shop/runtime";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { entries } from "../db/schema.ts";
import { filterTooLong, invalidPageToken, negativePageSize } from "./errors.ts";
import type { AuditEntry } from "./record-entry.ts";

/** Page size when none is asked for. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page; a larger request gets this many. */
export const MAX_PAGE_SIZE = 200;
const MAX_FILTER = 200;

/** What an admin asks for; empty strings and 0 mean "not set", as in the proto. */
export interface ListEntriesInput {
  actorId: string;
  action: string;
  target: string;
  pageSize: number;
  pageToken: string;
}

/** A page of entries and the token of the next one ("" on the last page). */
export async function listEntries(
  db: Db,
  input: ListEntriesInput,
): Promise<{ entries: AuditEntry[]; nextPageToken: string }> {
  if (input.pageSize < 0) throw negativePageSize();
  const pageSize = Math.min(input.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const conditions: SQL[] = [];
  for (const [name, column, value] of [
    ["actor", entries.actorId, input.actorId],
    ["action", entries.action, input.action],
    ["target", entries.target, input.target],
  ] as const) {
    const wanted = value.trim();
    if (wanted.length > MAX_FILTER) throw filterTooLong(name, MAX_FILTER);
    if (wanted) conditions.push(eq(column, wanted));
  }
  if (input.pageToken) {
    const after = decodePageToken(input.pageToken);
    // Microseconds as text: a JavaScript Date would drop what Postgres keeps, and skip or repeat rows.
    conditions.push(sql`(${entries.at}, ${entries.id}) < (${after.at}::timestamptz, ${after.id})`);
  }
  // One more than a page tells whether there is a next page without counting.
  const rows = await db
    .select({
      id: entries.id,
      source: entries.source,
      actorId: entries.actorId,
      actorEmail: entries.actorEmail,
      action: entries.action,
      target: entries.target,
      before: entries.before,
      after: entries.after,
      at: entries.at,
      cursor: sql<string>`to_char(${entries.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(entries)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(entries.at), desc(entries.id))
    .limit(pageSize + 1);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    entries: page.map(({ cursor: _cursor, ...entry }) => entry),
    nextPageToken:
      rows.length > pageSize && last
        ? Buffer.from(JSON.stringify({ at: last.cursor, id: last.id })).toString("base64url")
        : "",
  };
}

function decodePageToken(token: string): { at: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (
      value !== null &&
      typeof value === "object" &&
      typeof (value as { at?: unknown }).at === "string" &&
      typeof (value as { id?: unknown }).id === "string" &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test((value as { at: string }).at)
    ) {
      return value as { at: string; id: string };
    }
  } catch {
    // Not JSON: refused below like any other token audit did not make.
  }
  throw invalidPageToken();
}
