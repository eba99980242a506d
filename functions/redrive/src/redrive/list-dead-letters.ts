/**
 * Reading the dead letters for the back office: a filtered page of them, newest first, and one by id.
 */
import type { Db } from "@shop/runtime";
import { and, desc, eq, ilike, lt, or, type SQL } from "drizzle-orm";
import { deadLetters, type LetterKind, type LetterState, type StoredLetter } from "../db/schema.ts";
import {
  filterTooLong,
  invalidPageToken,
  letterIdMissing,
  letterNotFound,
  negativePageSize,
} from "./errors.ts";

/** Page size when the request gives none. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page served; a larger request gets this many. */
export const MAX_PAGE_SIZE = 200;
/** Longest event type or reason text a filter may give. */
export const MAX_FILTER_LENGTH = 200;

/** Which letters: every filter left out lets every letter through. */
export interface LetterFilters {
  eventType?: string;
  kind?: LetterKind;
  state?: LetterState;
  /** Text the reason contains, whatever its case. */
  reasonContains?: string;
}

/** Which page of which letters: `pageSize` 0 for the default, `pageToken` "" for the first. */
export interface ListDeadLettersInput {
  filters: LetterFilters;
  pageSize: number;
  pageToken: string;
}

/** One page of letters and the token of the next ("" when this is the last). */
export interface LetterPage {
  letters: StoredLetter[];
  nextPageToken: string;
}

/** The letters that pass `filters`, newest first, after the page token. */
export async function listDeadLetters(
  db: Db,
  { filters, pageSize, pageToken }: ListDeadLettersInput,
): Promise<LetterPage> {
  if (pageSize < 0) throw negativePageSize();
  if ((filters.eventType?.length ?? 0) > MAX_FILTER_LENGTH)
    throw filterTooLong("event type", MAX_FILTER_LENGTH);
  if ((filters.reasonContains?.length ?? 0) > MAX_FILTER_LENGTH) {
    throw filterTooLong("reason to search for", MAX_FILTER_LENGTH);
  }
  const size = Math.min(pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const after = pageToken ? decodeCursor(pageToken) : undefined;
  const rows = await db
    .select()
    .from(deadLetters)
    .where(and(...conditions(filters), after ? before(after) : undefined))
    .orderBy(desc(deadLetters.receivedAt), desc(deadLetters.id))
    .limit(size + 1);
  const letters = rows.slice(0, size);
  const last = letters.at(-1);
  return { letters, nextPageToken: rows.length > size && last ? encodeCursor(last) : "" };
}

/** The letter `id`; `letterNotFound` when there is none. */
export async function getDeadLetter(db: Db, { id }: { id: string }): Promise<StoredLetter> {
  if (id === "") throw letterIdMissing();
  // Ids are uuids: anything else names no letter (and would be a Postgres error, not an answer).
  if (!UUID.test(id)) throw letterNotFound(id);
  const [letter] = await db.select().from(deadLetters).where(eq(deadLetters.id, id));
  if (!letter) throw letterNotFound(id);
  return letter;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function conditions({ eventType, kind, state, reasonContains }: LetterFilters): (SQL | undefined)[] {
  // LIKE's wildcards in the text are meant literally.
  const pattern = reasonContains ? `%${reasonContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return [
    eventType ? eq(deadLetters.eventType, eventType) : undefined,
    kind ? eq(deadLetters.kind, kind) : undefined,
    state ? eq(deadLetters.state, state) : undefined,
    pattern ? ilike(deadLetters.reason, pattern) : undefined,
  ];
}

interface Cursor {
  receivedAt: Date;
  id: string;
}

// Strictly after the cursor in the order of the list (newest first, then by id).
function before({ receivedAt, id }: Cursor): SQL | undefined {
  return or(
    lt(deadLetters.receivedAt, receivedAt),
    and(eq(deadLetters.receivedAt, receivedAt), lt(deadLetters.id, id)),
  );
}

// The cursor is the last letter served (its arrival and id); opaque to clients.
function encodeCursor(letter: StoredLetter): string {
  return Buffer.from(`l:${letter.receivedAt.getTime()}:${letter.id}`).toString("base64url");
}

function decodeCursor(token: string): Cursor {
  const match = /^l:(\d{1,15}):([0-9a-f-]{36})$/.exec(Buffer.from(token, "base64url").toString());
  if (!match?.[1] || !match[2]) throw invalidPageToken();
  return { receivedAt: new Date(Number(match[1])), id: match[2] };
}
