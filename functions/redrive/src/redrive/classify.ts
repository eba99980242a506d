/**
 * Which dead letters heal: transient failures (the subscriber may take the event later) are redriven,
 * malformed ones stay dead and are reported.
 */
import type { LetterKind } from "../db/schema.ts";
import type { DeadLetter } from "./dead-letter.ts";

/** A dead letter's kind, and a sentence saying why, for logs and `shop dlq list`. */
export interface Classification {
  kind: LetterKind;
  reason: string;
}

/**
 * True for the outcomes Knative retries, which another try may change: no answer at all (timeout,
 * connection refused), a 5xx, and 404, 408, 409 and 429.
 */
export function isTransientStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  return status >= 500 || [404, 408, 409, 429].includes(status);
}

/** What a dead letter's kind depends on. */
export type Classifiable = Pick<DeadLetter, "cloudEvent" | "destination" | "errorCode" | "errorData">;

/** Classifies a dead letter: transient (redriven with growing delays) or malformed (stays dead). */
export function classify(letter: Classifiable): Classification {
  const why = letter.errorData.trim() || "no reason given";
  if (!letter.cloudEvent) {
    return { kind: "malformed", reason: `not a CloudEvent, so no subscriber can take it: ${why}` };
  }
  if (!letter.destination) {
    return {
      kind: "malformed",
      reason: `it names no subscriber (no knativeerrordest), so it cannot be redriven: ${why}`,
    };
  }
  if (!/^https?:\/\//.test(letter.destination)) {
    return {
      kind: "malformed",
      reason: `its subscriber ${JSON.stringify(letter.destination)} is not an http(s) URL: ${why}`,
    };
  }
  if (letter.errorCode === undefined) {
    return { kind: "transient", reason: `the subscriber did not answer: ${why}` };
  }
  const status = Number(letter.errorCode);
  if (!Number.isInteger(status)) {
    return {
      kind: "malformed",
      reason: `knativeerrorcode ${JSON.stringify(letter.errorCode)} is not an HTTP status: ${why}`,
    };
  }
  return isTransientStatus(status)
    ? { kind: "transient", reason: `the subscriber answered ${status}: ${why}` }
    : { kind: "malformed", reason: `the subscriber refused it with ${status}: ${why}` };
}
