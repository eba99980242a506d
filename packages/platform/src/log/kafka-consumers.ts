/**
 * The consumer groups of the Kafka event log, as the broker side consumes it: one kafkajs consumer
 * per subscription (the runner makes one consumer group per Trigger). Handed to `@shop/runtime`'s
 * Kafka log as its `consumers`.
 */
import type { Subscription } from "@shop/runtime";
import {
  type KafkaConsumers,
  type KafkaConsumersFactory,
  type LogLogger,
  type RedeliveryBackoff,
  topicOffsets,
} from "@shop/runtime/log";
import type { Kafka } from "kafkajs";
import { lagReader } from "./consumer-lag.ts";
import { startConsumer } from "./kafka-consumer.ts";

/**
 * The consumers' group session. kafkajs's default, 30 s, is how long a member that vanished stays in
 * its group, and a Kafka outage longer than kafkajs's retries makes each consumer restart as a new
 * member: the broker comes back with every group as it was, old member included, and holds the new
 * member's join until the old one's session expired, so no Trigger delivered for 30 s after Kafka was
 * back (issue 12). 10 s (the broker's minimum is 6 s), heartbeats every 3 s, also while a batch is in
 * hand (kafka-consumer.ts), so a slow delivery does not cost the membership.
 */
const SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_INTERVAL_MS = 3_000;
/**
 * The retries of the consuming log's kafkajs client (its consumers' connections and metadata go
 * through it): kafkajs restarts a consumer that ran out of them after their last backoff, which grows
 * to about 10 s by the fifth (from 0.3 s, doubling): a consumer that gave up just before Kafka came
 * back waited that long on top (up to 12.7 s in the fault suite). Capped at 2 s, a restart follows
 * the broker's return within about 2 s.
 */
export const CONSUMING_RETRY = { retries: 5, initialRetryTime: 300, maxRetryTime: 2_000 };

/** How the consumers redeliver and join. */
export interface KafkaConsumerOptions {
  /** How long to wait before handing a failed record to its handler again. */
  backoff: RedeliveryBackoff;
  /** How long `subscribe` waits for the consumer to join its group. */
  joinTimeoutMs: number;
}

/** The `consumers` of a Kafka log: every `subscribe` runs its own kafkajs consumer. */
export function kafkaConsumers(options: KafkaConsumerOptions): KafkaConsumersFactory {
  return (kafka, { partitions, logger }): KafkaConsumers => {
    const subscriptions = new Set<Subscription>();
    const lags = lagReader(kafka, logger);
    return {
      async subscribe(spec) {
        if (spec.fromBeginning === false) await startAtEnd(kafka, spec.groupId, spec.topic, logger);
        const consumer = kafka.consumer({
          groupId: spec.groupId,
          allowAutoTopicCreation: false,
          sessionTimeout: SESSION_TIMEOUT_MS,
          heartbeatInterval: HEARTBEAT_INTERVAL_MS,
        });
        const subscription = await startConsumer(consumer, spec, {
          backoff: options.backoff,
          joinTimeoutMs: options.joinTimeoutMs,
          concurrency: partitions,
          heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
          logger,
        });
        subscriptions.add(subscription);
        return {
          async close() {
            subscriptions.delete(subscription);
            await subscription.close();
          },
          lag: () => lags.lag(spec.groupId, spec.topic),
        };
      },
      async close() {
        await Promise.all([...subscriptions].map((subscription) => subscription.close()));
        subscriptions.clear();
        await lags.close();
      },
    };
  };
}

/**
 * Commits the current end of each partition the group has no offset for yet. Kafka would resolve
 * "latest" only at the consumer's first fetch, after the group joined; pinning it here makes records
 * published once `subscribe` resolved reach the subscriber, as with the in-memory log.
 */
async function startAtEnd(kafka: Kafka, groupId: string, topic: string, logger?: LogLogger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const known = new Set(committed?.partitions.filter((p) => p.offset !== "-1").map((p) => p.partition));
    const ends = await topicOffsets(admin, topic);
    const partitions = ends
      .filter((p) => !known.has(p.partition))
      .map((p) => ({ partition: p.partition, offset: p.high }));
    if (partitions.length > 0) {
      await admin.setOffsets({ groupId, topic, partitions }).catch((error: unknown) => {
        // Refused while the group has live members: they have settled where it starts.
        logger?.warn({ err: error, groupId, topic }, "could not pin a new consumer group to the end");
      });
    }
  } finally {
    await admin.disconnect();
  }
}
