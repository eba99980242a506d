/**
 * The event log: the interface, its Kafka producer side, its in-memory twin for embedded mode, and
 * the redelivery both share. Also `@shop/runtime/log`, for the broker side (`@shop/platform`), which
 * brings Kafka's consumer groups.
 */
export {
  DEFAULT_PARTITIONS,
  type EventLog,
  type LogRecord,
  type OutgoingRecord,
  type RecordHandler,
  type SubscribeOptions,
  type Subscription,
} from "./event-log.ts";
export {
  createKafkaLog,
  type KafkaConsumers,
  type KafkaConsumersFactory,
  type KafkaLogOptions,
  topicOffsets,
} from "./kafka-log.ts";
export {
  createMemoryLog,
  DEFAULT_RETAINED_RECORDS,
  type MemoryLogOptions,
  partitionForKey,
} from "./memory-log.ts";
export {
  defaultRedeliveryBackoff,
  handleUntilDone,
  type LogLogger,
  type RedeliveryBackoff,
} from "./redeliver.ts";
