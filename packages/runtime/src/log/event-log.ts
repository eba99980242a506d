/**
 * The event log Shop publishes to and reads from: Kafka in real mode (kafka-log.ts here publishes;
 * `@shop/platform` adds Kafka's consumer groups), an in-memory log with the same semantics in embedded
 * mode (memory-log.ts).
 * A record is a CloudEvent in the Kafka binary binding: `ce_*` headers, value = data bytes,
 * key = the `partitionkey` extension.
 */

/**
 * Partitions of the topics Shop creates: as `default.topic.partitions` in knative/broker.yaml and the
 * KafkaTopic in infra/cluster. An ordered subscription handles one record per partition at a time;
 * the saga's Triggers are unordered, so more partitions buy them nothing, while kafkajs hands every
 * partition of every fetch to the handler loop, empty or not: with 12, each of the runner's consumer
 * groups (one per Trigger) spent a fifth more CPU per order in the pipeline benchmark.
 */
export const DEFAULT_PARTITIONS = 3;

/** A record to append to a topic. Records with the same key land in the same partition, in order. */
export interface OutgoingRecord {
  key: string | null;
  value: Uint8Array;
  headers: Record<string, string>;
}

/** A record read from a topic. */
export interface LogRecord extends OutgoingRecord {
  topic: string;
  partition: number;
  offset: string;
}

/** What a subscriber does with each record; the offset is committed once it resolves. */
export type RecordHandler = (record: LogRecord) => Promise<void>;

export interface SubscribeOptions {
  /** The consumer group: each group sees every record once; members of one group share partitions. */
  groupId: string;
  topic: string;
  /**
   * Ordered: the records of one partition are handled one at a time, in offset order.
   * Unordered: records may be handled concurrently (still each at least once).
   */
  ordered: boolean;
  /** Where a group with no committed offset starts: the earliest record (default) or only new ones. */
  fromBeginning?: boolean;
  /**
   * The group serves this one subscription (a tail): the in-memory log forgets its offsets when it
   * closes, so they hold no records back from retention. Default false: a later member resumes.
   */
  transient?: boolean;
  handler: RecordHandler;
  /**
   * Which records the handler wants (default all); the others are passed over as handled. Passing
   * one over again is harmless, so the log may commit their offsets lazily.
   */
  accepts?: (record: LogRecord) => boolean;
}

/** A running subscription. */
export interface Subscription {
  /** Stops consuming after the records in hand are handled. */
  close(): Promise<void>;
  /**
   * Records of the topic the group has not committed yet, over all partitions (its consumer lag):
   * what a stuck or slow subscriber leaves behind. Where the log can tell.
   */
  lag?(): Promise<number>;
}

/** An append-only, partitioned log of records with consumer groups. */
export interface EventLog {
  /** Creates the topics if they do not exist. */
  ensureTopics(topics: string[]): Promise<void>;
  /** Appends records, resolving once the log has them durably (acks from all in-sync replicas). */
  publish(topic: string, records: OutgoingRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Resolves when the producer side is connected and able to publish. */
  ready(): Promise<boolean>;
  /** Records the log holds in this process's memory, over every topic (the in-memory log only). */
  held?(): number;
  close(): Promise<void>;
}
