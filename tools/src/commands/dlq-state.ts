/**
 * What the redrive function made of each dead letter, for `shop dlq list`: its state (waiting for a
 * redrive, redriven, exhausted, dead), how many redrives it tried and when it got the letter. Read from
 * redrive's own table (`redrive.dead_letters`) with DATABASE_URL, as an operator's tool reads the
 * books; without a database, or before redrive has run, the state is unknown and the list says so.
 */
import postgres from "postgres";

/** redrive's record of one dead letter. */
export interface LetterState {
  state: "waiting" | "redriven" | "exhausted" | "dead";
  /** Redrives tried so far. */
  attempts: number;
  receivedAt: Date;
  /** When a waiting letter is redriven next. */
  nextAttemptAt?: Date;
  /** What the last redrive came to. */
  lastError?: string;
}

/** The key of a dead letter: the event's id and the subscriber that could not take it. */
export function stateKey(eventId: string, destination: string): string {
  return `${eventId} ${destination}`;
}

/**
 * redrive's states of the dead letters of these event ids, by {@link stateKey}; or, when they cannot
 * be read, why not (a sentence for the list's footer).
 */
export async function readRedriveStates(
  databaseUrl: string,
  eventIds: string[],
): Promise<Map<string, LetterState> | string> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const rows = await sql<
      Array<{
        event_id: string;
        destination: string;
        state: LetterState["state"];
        attempts: number;
        received_at: Date;
        next_attempt_at: Date | null;
        last_error: string | null;
      }>
    >`select event_id, destination, state, attempts, received_at, next_attempt_at, last_error
      from redrive.dead_letters where event_id = any(${eventIds})`;
    return new Map(
      rows.map((r) => [
        stateKey(r.event_id, r.destination),
        {
          state: r.state,
          attempts: r.attempts,
          receivedAt: r.received_at,
          ...(r.next_attempt_at ? { nextAttemptAt: r.next_attempt_at } : {}),
          ...(r.last_error ? { lastError: r.last_error } : {}),
        },
      ]),
    );
  } catch (error) {
    return `redrive's states could not be read (${(error as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** How long ago `since` was, as people say it: 42s, 7m, 3h, 2d. */
export function ageOf(since: Date | undefined, now: Date): string {
  if (!since || Number.isNaN(since.getTime())) return "-";
  const seconds = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 120 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}
