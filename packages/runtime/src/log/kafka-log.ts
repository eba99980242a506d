/**
 * The event log over Apache Kafka (kafkajs): what functions publish with and the local runner consumes with.
 */
import {
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  type LogEntry,
  logLevel,
  Partitioners,
} from "kafkajs";
import type { EventLog, LogRecord, SubscribeOptions, Subscription } from "./event-log.ts";
import {
  defaultRedeliveryBackoff,
  handleUntilDone,
  type LogLogger,
  type RedeliveryBackoff,
} from "./redeliver.ts";

/** Options of {@link createKafkaLog}. */
export interface KafkaLogOptions {
  brokers: string[];
  clientId: string;
  /** Receives kafkajs's warnings and errors and the log's own reports; without it they go to stderr. */
  logger?: LogLogger;
  /** How long to wait before handing a failed record to its handler again. */
  redeliveryBackoff?: RedeliveryBackoff;
  /** Partitions of topics created by `ensureTopics` (default 3). */
  partitions?: number;
  /** Replication factor of topics created by `ensureTopics` (default 1: one local broker). */
  replicationFactor?: number;
  /** How long `subscribe` waits for the consumer to join its group (default 30 s). */
  joinTimeoutMs?: number;
}

/**
 * Creates an {@link EventLog} over Kafka. The producer is idempotent and waits for all in-sync
 * replicas, so a publish that resolved is durable and a retried one is not duplicated; it connects
 * at once in the background (see `ready()`). Each `subscribe` runs its own kafkajs consumer.
 */
export function createKafkaLog(options: KafkaLogOptions): EventLog {
  const logger = options.logger;
  const backoff = options.redeliveryBackoff ?? defaultRedeliveryBackoff;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: logger ? () => (entry) => forward(logger, entry) : undefined,
  });
  const producer = kafka.producer({
    idempotent: true,
    // kafkajs keeps sequence numbers per partition only for one request in flight at a time.
    maxInFlightRequests: 1,
    // Explicit, so kafkajs does not warn about its v2 default; the same murmur2 partitioner as Java clients.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  let connecting: Promise<void> | null = null;
  function connect(): Promise<void> {
    connecting ??= producer.connect().catch((error: unknown) => {
      // Forget the failed attempt so the next publish or readiness check tries again.
      connecting = null;
      throw error;
    });
    return connecting;
  }
  connect().catch((error: unknown) => logger?.warn({ err: error }, "kafka producer could not connect yet"));

  const subscriptions = new Set<Subscription>();
  let closed = false;

  return {
    async ensureTopics(topics) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        // createTopics leaves existing topics alone (it resolves false when all already exist).
        await admin.createTopics({
          waitForLeaders: true,
          topics: topics.map((topic) => ({
            topic,
            numPartitions: options.partitions ?? 3,
            replicationFactor: options.replicationFactor ?? 1,
          })),
        });
      } finally {
        await admin.disconnect();
      }
    },

    async publish(topic, records) {
      if (closed) throw new Error("the kafka log is closed");
      if (records.length === 0) return;
      await connect();
      await producer.send({
        topic,
        acks: -1,
        messages: records.map((record) => ({
          key: record.key,
          value: Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength),
          headers: record.headers,
        })),
      });
    },

    async subscribe(spec) {
      if (closed) throw new Error("the kafka log is closed");
      if (spec.fromBeginning === false) await startAtEnd(kafka, spec.groupId, spec.topic, logger);
      const consumer = kafka.consumer({ groupId: spec.groupId, allowAutoTopicCreation: false });
      const subscription = await startConsumer(
        consumer,
        spec,
        backoff,
        options.joinTimeoutMs ?? 30_000,
        logger,
      );
      subscriptions.add(subscription);
      return {
        async close() {
          subscriptions.delete(subscription);
          await subscription.close();
        },
      };
    },

    async ready() {
      if (!connected && !closed) connect().catch(() => undefined);
      return connected;
    },

    async close() {
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      subscriptions.clear();
      await producer.disconnect();
    },
  };
}

async function startConsumer(
  consumer: Consumer,
  spec: SubscribeOptions,
  backoff: RedeliveryBackoff,
  joinTimeoutMs: number,
  logger: LogLogger | undefined,
): Promise<Subscription> {
  let stopping = false;
  const pending = new Set<() => void>();
  // A pause between redeliveries that close() can cut short.
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        pending.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      pending.add(wake);
    });

  let joinTimer: NodeJS.Timeout | undefined;
  const joined = new Promise<void>((resolve, reject) => {
    joinTimer = setTimeout(
      () => reject(new Error(`consumer group ${spec.groupId} did not join within ${joinTimeoutMs} ms`)),
      joinTimeoutMs,
    );
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
  });
  // Awaited below; this only keeps a rejection after an earlier failure from going unhandled.
  joined.catch(() => undefined);

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const stopped = () => stopping || !payload.isRunning() || payload.isStale();
    // kafkajs heartbeats only when asked: keep the membership alive while a record is retried.
    const pause = async (ms: number) => {
      await wait(ms);
      if (!stopped()) await payload.heartbeat();
    };
    const redeliver = { groupId: spec.groupId, stopped, wait: pause, backoff, logger };
    const records = batch.messages.map((message) => toLogRecord(batch.topic, batch.partition, message));
    if (spec.ordered) {
      for (const record of records) {
        if (!(await handleUntilDone(record, spec.handler, redeliver))) return;
        payload.resolveOffset(record.offset);
        await payload.heartbeat();
      }
      return;
    }
    const heartbeats = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => logger?.warn({ err: error }, "kafka heartbeat failed"));
    }, 3_000);
    const done = await Promise.all(
      records.map((record) => handleUntilDone(record, spec.handler, redeliver)),
    ).finally(() => clearInterval(heartbeats));
    // Resolve only the run of handled records from the start of the batch: kafkajs commits and fetches
    // from the resolved offset, so anything after an unhandled record is delivered again.
    const handled = done.indexOf(false);
    const last = records[(handled === -1 ? records.length : handled) - 1];
    if (last) payload.resolveOffset(last.offset);
    await payload.heartbeat();
  }

  await consumer.connect();
  try {
    await consumer.subscribe({ topic: spec.topic, fromBeginning: spec.fromBeginning ?? true });
    await consumer.run({
      // kafkajs commits the resolved offsets after each batch; never an offset we did not resolve.
      autoCommit: true,
      eachBatchAutoResolve: false,
      // Partitions are independent; within one, eachBatch runs one batch at a time.
      partitionsConsumedConcurrently: 3,
      eachBatch,
    });
    await joined;
  } catch (error) {
    await consumer.disconnect();
    throw error;
  } finally {
    clearTimeout(joinTimer);
  }
  return {
    async close() {
      stopping = true;
      for (const wake of [...pending]) wake();
      await consumer.disconnect();
    },
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
    const ends = await admin.fetchTopicOffsets(topic);
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

function toLogRecord(topic: string, partition: number, message: KafkaMessage): LogRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString("utf8"),
    value: message.value ?? new Uint8Array(0),
    headers: headersToStrings(message.headers),
  };
}

/** kafkajs hands header values over as Buffers (or arrays of them for repeated headers). */
function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // A repeated header keeps its last value, as Kafka's lastHeader() does.
    const single = Array.isArray(value) ? value[value.length - 1] : value;
    if (single !== undefined) result[name] = single.toString();
  }
  return result;
}

function forward(logger: LogLogger, { level, namespace, log }: LogEntry): void {
  const { message, ...fields } = log;
  const obj = { ...fields, namespace, component: "kafkajs" };
  // kafkajs reports every error response at ERROR, though it retries the retriable ones (a coordinator
  // still loading, a leader moving) by itself: those are warnings until kafkajs gives up.
  const retried = namespace === "Connection" && message.startsWith("Response ");
  if ((level === logLevel.ERROR || level === logLevel.NOTHING) && !retried) logger.error(obj, message);
  else if (level === logLevel.WARN || retried) logger.warn(obj, message);
  else logger.info(obj, message);
}
