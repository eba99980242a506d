/** The event log: the interface, its Kafka implementation and its in-memory twin for embedded mode. */
export type {
  EventLog,
  LogRecord,
  OutgoingRecord,
  RecordHandler,
  SubscribeOptions,
  Subscription,
} from "./event-log.ts";
export { createKafkaLog, type KafkaLogOptions } from "./kafka-log.ts";
export { createMemoryLog, type MemoryLogOptions, partitionForKey } from "./memory-log.ts";
export { defaultRedeliveryBackoff, type LogLogger, type RedeliveryBackoff } from "./redeliver.ts";
