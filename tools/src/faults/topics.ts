/**
 * Kafka helpers of the fault suite, over kafkajs directly: read a topic to its end, tell whether the
 * runner's consumer groups have caught up, and re-publish records as they are (duplicate deliveries).
 */
import { Kafka, logLevel } from "kafkajs";

/** A record as read back. */
export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

function client(brokers: string[]) {
  return new Kafka({ clientId: "faults-inspector", brokers, logLevel: logLevel.NOTHING });
}

/** Every record of `topic` up to its current end. */
export async function readTopic(brokers: string[], topic: string): Promise<ReadRecord[]> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const pending = new Map(ends.filter((e) => e.high !== e.low).map((e) => [e.partition, BigInt(e.high)]));
  const records: ReadRecord[] = [];
  if (pending.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `faults-reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            if (value !== undefined) headers[name] = String(value);
          }
          records.push({
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value,
            headers,
          });
          const end = pending.get(partition);
          if (end !== undefined && BigInt(message.offset) + 1n >= end) pending.delete(partition);
          if (pending.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return records;
}

/** Records not yet consumed by the slowest of `groups` on `topic` (0: every group has caught up). */
export async function lag(brokers: string[], topic: string, groups: string[]): Promise<number> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((e) => [e.partition, BigInt(e.high)]));
    let worst = 0n;
    for (const groupId of groups) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      let behind = 0n;
      for (const { partition, offset } of offsets?.partitions ?? []) {
        const end = ends.get(partition) ?? 0n;
        const at = BigInt(offset) < 0n ? 0n : BigInt(offset);
        behind += end > at ? end - at : 0n;
      }
      if (behind > worst) worst = behind;
    }
    return Number(worst);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Records per produce request of `republish`: one request with every record of a large run (13,000
 * duplicates of 4,000 orders) is a batch above the broker's 1 MB `message.max.bytes`, refused whole.
 */
const REPUBLISH_CHUNK = 500;

/**
 * Per consumer group of `groups` that is behind on `topic`: each partition's committed offset and
 * end, as a sentence ("knative-trigger-shop-x: p0 120/150, p2 -1/40"); empty when all caught up.
 */
export async function lagging(brokers: string[], topic: string, groups: string[]): Promise<string[]> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((e) => [e.partition, BigInt(e.high)]));
    const behind: string[] = [];
    for (const groupId of groups) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const parts = (offsets?.partitions ?? [])
        .filter(({ partition, offset }) => {
          const at = BigInt(offset) < 0n ? 0n : BigInt(offset);
          return (ends.get(partition) ?? 0n) > at;
        })
        .map(({ partition, offset }) => `p${partition} ${offset}/${ends.get(partition)}`);
      if (parts.length > 0) behind.push(`${groupId} on ${topic}: ${parts.join(", ")}`);
    }
    return behind;
  } finally {
    await admin.disconnect();
  }
}

/** Publishes records again, byte for byte (same key, headers, value): what a redelivery looks like. */
export async function republish(
  brokers: string[],
  topic: string,
  records: { key: string | null; value: Buffer | Uint8Array | null; headers: Record<string, string> }[],
): Promise<void> {
  const producer = client(brokers).producer();
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += REPUBLISH_CHUNK) {
      await producer.send({
        topic,
        messages: records.slice(i, i + REPUBLISH_CHUNK).map((r) => ({
          key: r.key,
          value: r.value ? Buffer.from(r.value) : null,
          headers: r.headers,
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}
