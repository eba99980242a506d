/**
 * Reading a dead letter as Knative's KafkaSource delivers it from `shop.events.dlq`: the original
 * CloudEvent with the `knativeerror*` extensions the broker added when it gave up, or, for a record
 * that was no CloudEvent at all, the KafkaSource's wrapper event with the record's headers as
 * `kafkaheader*` extensions.
 */
import type { ShopCloudEvent } from "@shop/runtime";
import { notADeadLetter } from "./errors.ts";

/** The type the KafkaSource gives a record that is not a CloudEvent. */
export const KAFKA_EVENT_TYPE = "dev.knative.kafka.event";

/** The extensions Knative adds to a dead-lettered event; a redriven event goes without them. */
const ERROR_EXTENSIONS = ["knativeerrorcode", "knativeerrordata", "knativeerrordest"] as const;
type ErrorExtension = (typeof ERROR_EXTENSIONS)[number];

/** A dead letter: the event, the subscriber that could not take it, and why. */
export interface DeadLetter {
  eventSource: string;
  eventId: string;
  eventType: string;
  /** The subscriber's URL (`knativeerrordest`); "" when there is none. */
  destination: string;
  /** `knativeerrorcode` as sent: the HTTP status, absent when the subscriber did not answer. */
  errorCode: string | undefined;
  /** `knativeerrordata` decoded: the subscriber's answer or the delivery error; "" when absent. */
  errorData: string;
  /** The original event's attributes, extensions included, without Knative's error extensions. */
  attributes: Record<string, string>;
  data: Uint8Array;
  /** False for a record that was no CloudEvent (the KafkaSource wrapped it). */
  cloudEvent: boolean;
}

/**
 * Reads the dead letter of `event`. Throws `notADeadLetter` for an event that carries none of
 * Knative's error extensions (nobody dead-lettered it).
 */
export function readDeadLetter(event: ShopCloudEvent): DeadLetter {
  const cloudEvent = event.type !== KAFKA_EVENT_TYPE;
  const json = event.toJSON() as Record<string, unknown>;
  // The wrapper carries the record's headers: ce_knativeerrordest → kafkaheaderceknativeerrordest.
  const errorValue = (name: ErrorExtension): string | undefined => {
    const value = cloudEvent ? json[name] : json[`kafkaheaderce${name}`];
    return value === undefined || value === null ? undefined : String(value);
  };
  const [code, data, destination] = ERROR_EXTENSIONS.map(errorValue);
  if (code === undefined && data === undefined && destination === undefined) {
    throw notADeadLetter(event.type, event.id);
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    if (name === "data" || name === "data_base64" || value === undefined || value === null) continue;
    if ((ERROR_EXTENSIONS as readonly string[]).includes(name)) continue;
    attributes[name] = String(value);
  }
  return {
    eventSource: event.source,
    eventId: event.id,
    eventType: event.type,
    destination: destination ?? "",
    errorCode: code,
    errorData: data === undefined ? "" : Buffer.from(data, "base64").toString("utf8"),
    attributes,
    data: event.data ?? new Uint8Array(),
    cloudEvent,
  };
}
