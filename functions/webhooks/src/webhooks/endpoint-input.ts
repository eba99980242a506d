/**
 * Checking what an admin asks of an endpoint: its URL leads somewhere webhooks may go, its event types
 * are full message names, its format is one of the two.
 */
import type { PayloadFormat } from "../db/schema.ts";
import { invalidRequest } from "./errors.ts";
import { checkTarget, type TargetPolicy } from "./target.ts";

// A CloudEvent type of Shop: a protobuf message's full name (`shop.orders.v1.OrderPlaced`).
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.[A-Z][A-Za-z0-9_]*$/;
// Past this an admin is listing by mistake, and a row grows without use.
const MAX_EVENT_TYPES = 100;

/** Checks `url` (no traffic: DNS only); answers it normalised, or throws a sentence. */
export async function checkedUrl(url: string, policy: TargetPolicy): Promise<string> {
  if (url.trim() === "") throw invalidRequest("An endpoint needs a URL.");
  return (await checkTarget(url.trim(), policy)).url.href;
}

/** Checks a list of event types; answers them deduplicated, or throws a sentence. */
export function checkedEventTypes(eventTypes: readonly string[]): string[] {
  if (eventTypes.length === 0) throw invalidRequest("An endpoint needs at least one event type.");
  if (eventTypes.length > MAX_EVENT_TYPES) {
    throw invalidRequest(
      `An endpoint takes at most ${MAX_EVENT_TYPES} event types, not ${eventTypes.length}.`,
    );
  }
  for (const type of eventTypes) {
    if (!EVENT_TYPE.test(type)) {
      throw invalidRequest(
        `"${type}" is not an event type: name a message in full, like shop.orders.v1.OrderPlaced.`,
      );
    }
  }
  return [...new Set(eventTypes)];
}

/** Checks that a format is given (PROTOBUF or JSON). */
export function checkedFormat(format: PayloadFormat | undefined): PayloadFormat {
  if (!format)
    throw invalidRequest("An endpoint needs a format: PAYLOAD_FORMAT_PROTOBUF or PAYLOAD_FORMAT_JSON.");
  return format;
}

/** Checks a description's length. */
export function checkedDescription(description: string): string {
  if (description.length > 500) throw invalidRequest("A description is at most 500 characters.");
  return description;
}
