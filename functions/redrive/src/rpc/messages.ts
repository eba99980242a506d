/**
 * Dead letters as the back office sees them: the stored rows as DeadLetterService's messages.
 */
import { create, fromBinary, toJsonString } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { registry } from "@shop/schemas";
import {
  type DeadLetter,
  DeadLetterKind,
  DeadLetterSchema,
  DeadLetterState,
} from "@shop/schemas/redrive/v1/redrive";
import type { LetterKind, LetterState, StoredLetter } from "../db/schema.ts";

const KINDS: Record<LetterKind, DeadLetterKind> = {
  transient: DeadLetterKind.TRANSIENT,
  malformed: DeadLetterKind.MALFORMED,
};

const STATES: Record<LetterState, DeadLetterState> = {
  waiting: DeadLetterState.WAITING,
  redriven: DeadLetterState.REDRIVEN,
  exhausted: DeadLetterState.EXHAUSTED,
  dead: DeadLetterState.DEAD,
};

/** The stored kind of a wire enum; undefined for UNSPECIFIED (any). */
export function kindOf(kind: DeadLetterKind): LetterKind | undefined {
  return (Object.keys(KINDS) as LetterKind[]).find((name) => KINDS[name] === kind);
}

/** The stored state of a wire enum; undefined for UNSPECIFIED (any). */
export function stateOf(state: DeadLetterState): LetterState | undefined {
  return (Object.keys(STATES) as LetterState[]).find((name) => STATES[name] === state);
}

/** `letter` as DeadLetter, its age counted at `now`. */
export function toDeadLetter(letter: StoredLetter, now: Date): DeadLetter {
  return create(DeadLetterSchema, {
    id: letter.id,
    eventId: letter.eventId,
    eventSource: letter.eventSource,
    eventType: letter.eventType,
    destination: letter.destination,
    kind: KINDS[letter.kind],
    state: STATES[letter.state],
    errorCode: letter.errorCode ?? 0,
    reason: letter.reason,
    lastError: letter.lastError ?? "",
    attempts: letter.attempts,
    receivedAt: timestampFromDate(letter.receivedAt),
    ageSeconds: BigInt(Math.max(0, Math.floor((now.getTime() - letter.receivedAt.getTime()) / 1000))),
    ...(letter.state === "waiting" && letter.nextAttemptAt
      ? { nextAttemptAt: timestampFromDate(letter.nextAttemptAt) }
      : {}),
    ...(letter.resolvedAt ? { resolvedAt: timestampFromDate(letter.resolvedAt) } : {}),
  });
}

/**
 * The data of `letter` in protobuf JSON when its type is a Shop event in protobuf and the bytes decode;
 * "" otherwise (an unknown type, a record that was no CloudEvent, bytes that are not that message).
 */
export function dataAsJson(letter: Pick<StoredLetter, "eventType" | "data" | "attributes">): string {
  const schema = registry.getMessage(letter.eventType);
  const contentType = letter.attributes.datacontenttype ?? "application/protobuf";
  if (!schema || !contentType.startsWith("application/protobuf")) return "";
  try {
    return toJsonString(schema, fromBinary(schema, letter.data), { registry });
  } catch {
    // Bytes that are not the message (the reason it died, maybe): shown raw only.
    return "";
  }
}
