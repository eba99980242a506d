/**
 * The refusals redrive can answer, each a `DomainError` with its code and a sentence for a person; the
 * runtime answers them 4xx.
 */
import { Code, DomainError } from "@shop/runtime";

/** An event POSTed to redrive that no broker dead-lettered: it names no subscriber and no failure. */
export function notADeadLetter(type: string, id: string): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    `Event ${id} (${type}) is not a dead letter: it has no knativeerrordest, knativeerrorcode or knativeerrordata, so there is nothing to redrive.`,
    "not-a-dead-letter",
  );
}

/** A dead letter that does not exist (or an id that no letter could have). */
export function letterNotFound(id: string): DomainError {
  return new DomainError(Code.NotFound, `There is no dead letter ${id}.`, "letter-not-found");
}

/** A request that names no letter. */
export function letterIdMissing(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "Say which dead letter: its id is missing.",
    "letter-id-missing",
  );
}

/** RedriveDeadLetters without an event type. */
export function eventTypeMissing(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "Say which event type to redrive, such as shop.orders.v1.OrderPlaced.",
    "event-type-missing",
  );
}

/** A filter or type longer than `max` characters. */
export function filterTooLong(what: string, max: number): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    `The ${what} has at most ${max} characters.`,
    "filter-too-long",
  );
}

/** ListDeadLetters with a negative page size. */
export function negativePageSize(): DomainError {
  return new DomainError(Code.InvalidArgument, "The page size cannot be negative.", "negative-page-size");
}

/** ListDeadLetters with a page token it did not hand out. */
export function invalidPageToken(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "The page token is not valid; start again from the first page.",
    "invalid-page-token",
  );
}

/** A letter that cannot be redriven: it names no http(s) subscriber, or it was no CloudEvent. */
export function notRedrivable(id: string, why: string): DomainError {
  return new DomainError(
    Code.FailedPrecondition,
    `Dead letter ${id} cannot be redriven: ${why}.`,
    "not-redrivable",
  );
}
