/**
 * The refusals of analytics: what a caller did wrong, said as a sentence a person understands, as the
 * runtime's one DomainError (which the runtime maps to its Connect code).
 */
import { Code, DomainError } from "@shop/runtime";

/** The request cannot be served as asked (InvalidArgument); `message` says why. */
export function invalidRequest(message: string): DomainError {
  return new DomainError(Code.InvalidArgument, message, "invalid-request");
}

/** A replay is already under way in this process (FailedPrecondition). */
export function replayUnderWay(): DomainError {
  return new DomainError(
    Code.FailedPrecondition,
    "A replay of the analytics is already under way; wait for it to finish.",
    "replay-under-way",
  );
}

/** A replay needs the Kafka topic, and this analytics runs without Kafka (FailedPrecondition). */
export function replayNeedsKafka(): DomainError {
  return new DomainError(
    Code.FailedPrecondition,
    "A replay reads shop.events from Kafka, and this analytics runs without Kafka (embedded mode).",
    "replay-needs-kafka",
  );
}
