/**
 * Reads a Kafka topic from its start to where it ends now, in a consumer group of its own that is
 * deleted afterwards: the replay's source. The live KafkaSource's group is left alone, so live
 * delivery goes on while a replay runs.
 */
import { randomUUID } from "node:crypto";
import type { LogRecord } from "@shop/runtime";
import { Kafka, logLevel } from "kafkajs";

/** Hands every record of the topic, batch by batch, to `handle`; resolves with how many it read. */
export type ReadTopic = (handle: (records: LogRecord[]) => Promise<void>) => Promise<number>;

/** Where to read from. */
export interface TopicReaderOptions {
  brokers: string[];
  topic: string;
  clientId: string;
  /** How long a whole read may take before it gives up, in ms. */
  timeoutMs: number;
}

/** A {@link ReadTopic} over Kafka. */
export function createTopicReader(options: TopicReaderOptions): ReadTopic {
  const kafka = new Kafka({ clientId: options.clientId, brokers: options.brokers, logLevel: logLevel.WARN });
  return async (handle) => {
    const admin = kafka.admin();
    await admin.connect();
    const groupId = `${options.clientId}-replay-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId });
    let read = 0;
    try {
      // Where the topic ends now: records published after this are the live delivery's.
      const ends = new Map(
        (await admin.fetchTopicOffsets(options.topic))
          .filter((p) => BigInt(p.high) > BigInt(p.low))
          .map((p) => [p.partition, BigInt(p.high) - 1n]),
      );
      if (ends.size === 0) return 0;
      await consumer.connect();
      await consumer.subscribe({ topic: options.topic, fromBeginning: true });
      let resolve = () => {};
      let reject: (error: Error) => void = () => {};
      const done = new Promise<void>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      const timer = setTimeout(
        () =>
          reject(
            new Error(`the replay did not reach the end of ${options.topic} in ${options.timeoutMs} ms`),
          ),
        options.timeoutMs,
      );
      // kafkajs restarts a consumer after a retriable crash by itself; one it gives up on ends the read.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const last = ends.get(batch.partition);
          if (last === undefined) return;
          const records: LogRecord[] = batch.messages
            .filter((m) => BigInt(m.offset) <= last)
            .map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key ? m.key.toString() : null,
              value: m.value ?? new Uint8Array(),
              headers: Object.fromEntries(
                Object.entries(m.headers ?? {}).map(([name, value]) => [name, String(value ?? "")]),
              ),
            }));
          if (records.length > 0) await handle(records);
          read += records.length;
          const offset = batch.messages.at(-1)?.offset;
          if (offset !== undefined && BigInt(offset) >= last) ends.delete(batch.partition);
          if (ends.size === 0) resolve();
        },
      });
      try {
        await done;
      } finally {
        clearTimeout(timer);
      }
      return read;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      // The group served one replay: nothing should resume it.
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
  };
}
