/**
 * How the runner reads a record for a KafkaSource the way Knative's source dispatcher does: a record
 * in the CloudEvents binary binding is the CloudEvent it carries; any other record is wrapped in a
 * CloudEvent of type `dev.knative.kafka.event` made from where it was read, with its headers as
 * `kafkaheader<name>` extensions (eventing-kafka-broker's InvalidCloudEventInterceptor).
 */
import type { LogRecord } from "@shop/runtime";
import { type RecordEvent, recordToEvent } from "./delivery.ts";
import type { KafkaSource } from "./manifests.ts";

/** The type Knative gives a record that is no CloudEvent. */
export const KAFKA_EVENT_TYPE = "dev.knative.kafka.event";

/** The CloudEvent `source` delivers for `record`. */
export function sourceEvent(record: LogRecord, source: Pick<KafkaSource, "name" | "namespace">): RecordEvent {
  const event = recordToEvent(record);
  if (!("invalid" in event)) return event;
  const where = `partition:${record.partition}`;
  const attributes: Record<string, string> = {
    specversion: "1.0",
    id: `${where}/offset:${record.offset}`,
    type: KAFKA_EVENT_TYPE,
    source: `/apis/v1/namespaces/${source.namespace}/kafkasources/${source.name}#${record.topic}`,
    subject: `${where}#${record.offset}`,
    time: new Date().toISOString(),
  };
  if (record.key !== null) {
    attributes.partitionkey = record.key;
    attributes.key = record.key;
  }
  for (const [name, value] of Object.entries(record.headers)) {
    // Extension names are lower-case letters and digits only.
    if (name.toLowerCase() === "content-type") attributes.datacontenttype = value.toLowerCase();
    else attributes[`kafkaheader${name.toLowerCase().replace(/[^a-z0-9]/g, "")}`] = value;
  }
  return { attributes, data: record.value };
}
