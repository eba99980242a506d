/**
 * Kafka for the CLI: a quiet client from KAFKA_BROKERS or --brokers, and reading a topic to its end.
 */
import { randomUUID } from "node:crypto";
import type { LogRecord } from "@shop/runtime";
import { type Consumer, Kafka, type KafkaMessage, logLevel } from "kafkajs";

/** The brokers to use: the flag, else KAFKA_BROKERS; undefined when neither is set. */
export function brokersFrom(flag: string | undefined): string[] | undefined {
  const list = (flag ?? process.env.KAFKA_BROKERS ?? "").split(",").filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/** A kafkajs client that reports only errors. */
export function kafkaClient(brokers: string[], clientId = "shop-cli"): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.ERROR });
}

/** A record as the event log gives it. */
export function toLogRecord(topic: string, partition: number, message: KafkaMessage): LogRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString("utf8") ?? null,
    value: new Uint8Array(message.value ?? Buffer.alloc(0)),
    headers,
  };
}

/** Options of {@link readToEnd}. */
export interface ReadOptions {
  /** The consumer group: a throwaway one (deleted afterwards) unless given. */
  groupId?: string;
  /** Called for each batch of one partition, in offset order, before the next batch is fetched. */
  onBatch: (partition: number, records: LogRecord[], consumer: Consumer) => Promise<void>;
  timeoutMs?: number;
}

/**
 * Reads `topic` from the group's committed offsets (the beginning for a new group) up to the end it
 * had when called, then stops. Resolves once every partition is read.
 */
export async function readToEnd(kafka: Kafka, topic: string, options: ReadOptions): Promise<void> {
  const throwaway = !options.groupId;
  const groupId = options.groupId ?? `shop-cli-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const start = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
    // Partitions with records past where the group stands, and the offset of their last record.
    const pending = new Map<number, number>();
    for (const end of ends) {
      const from = Math.max(start.get(end.partition) ?? -1, Number(end.low));
      if (Number(end.high) > from) pending.set(end.partition, Number(end.high) - 1);
    }
    if (pending.size === 0) return;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`reading ${topic} did not reach its end within ${options.timeoutMs ?? 60_000} ms`),
            ),
          options.timeoutMs ?? 60_000,
        );
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const last = pending.get(batch.partition);
              if (last === undefined) return;
              const records = batch.messages
                .filter((m) => Number(m.offset) <= last)
                .map((m) => toLogRecord(topic, batch.partition, m));
              if (records.length > 0) await options.onBatch(batch.partition, records, consumer);
              if (batch.messages.some((m) => Number(m.offset) >= last)) pending.delete(batch.partition);
              if (pending.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error);
          });
      });
    } finally {
      await consumer.disconnect();
    }
  } finally {
    if (throwaway) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
