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
