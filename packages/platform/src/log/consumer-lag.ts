/**
 * Consumer lag of Kafka consumer groups, as Kafka itself states it: per partition, the topic's end
 * minus the group's committed offset. Asked of the brokers (one admin client per log, connected on
 * first use), so a subscriber that stopped consuming shows as a growing lag rather than a stale one.
 */
import { type LogLogger, topicOffsets } from "@shop/runtime/log";
import type { Admin, Kafka } from "kafkajs";

/** Reads the lag of consumer groups; `close` disconnects its admin client. */
export interface LagReader {
  lag(groupId: string, topic: string): Promise<number>;
  close(): Promise<void>;
}

/** A lag reader over `kafka`. */
export function lagReader(kafka: Kafka, logger?: LogLogger): LagReader {
  let admin: Promise<Admin> | undefined;
  const connected = () => {
    admin ??= (async () => {
      const client = kafka.admin();
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      admin = undefined; // the next scrape tries again
      throw error;
    });
    return admin;
  };
  return {
    async lag(groupId, topic) {
      const client = await connected();
      const [ends, [committed]] = await Promise.all([
        topicOffsets(client, topic),
        client.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const at = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      let behind = 0n;
      for (const { partition, high, low } of ends) {
        // -1: nothing committed yet; the group starts at the earliest record still kept.
        const offset = at.get(partition) ?? -1n;
        const from = offset < 0n ? BigInt(low) : offset;
        if (BigInt(high) > from) behind += BigInt(high) - from;
      }
      return Number(behind);
    },
    async close() {
      const client = await admin?.catch(() => undefined);
      admin = undefined;
      await client
        ?.disconnect()
        .catch((error: unknown) => logger?.debug?.({ err: error }, "admin disconnect"));
    },
  };
}
