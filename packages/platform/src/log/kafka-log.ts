/**
 * The event log over Apache Kafka with both sides: `@shop/runtime`'s producer (what functions publish
 * with) and this package's consumer groups (what the runner dispatches from).
 */
import {
  createKafkaLog as createPublishingLog,
  defaultRedeliveryBackoff,
  type EventLog,
  type KafkaLogOptions as PublishingLogOptions,
  type RedeliveryBackoff,
} from "@shop/runtime/log";
import { CONSUMING_RETRY, kafkaConsumers } from "./kafka-consumers.ts";

/** Options of {@link createKafkaLog}. */
export interface KafkaLogOptions extends Omit<PublishingLogOptions, "consumers"> {
  /** How long to wait before handing a failed record to its handler again. */
  redeliveryBackoff?: RedeliveryBackoff;
  /** How long `subscribe` waits for the consumer to join its group (default 30 s). */
  joinTimeoutMs?: number;
}

/**
 * Creates an {@link EventLog} over Kafka that publishes (idempotent, acks from all in-sync replicas)
 * and consumes: each `subscribe` runs its own kafkajs consumer in the given group. Its client retries
 * at most 2 s apart unless `retry` says otherwise (CONSUMING_RETRY).
 */
export function createKafkaLog(options: KafkaLogOptions): EventLog {
  return createPublishingLog({
    retry: CONSUMING_RETRY,
    ...options,
    consumers: kafkaConsumers({
      backoff: options.redeliveryBackoff ?? defaultRedeliveryBackoff,
      joinTimeoutMs: options.joinTimeoutMs ?? 30_000,
    }),
  });
}
