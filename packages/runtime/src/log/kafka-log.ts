/**
 * The event log over Apache Kafka (kafkajs): what functions publish with and the local runner consumes with.
 */
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  type LogEntry,
  logLevel,
  Partitioners,
} from "kafkajs";
import {
  DEFAULT_PARTITIONS,
  type EventLog,
  type LogRecord,
  type SubscribeOptions,
  type Subscription,
} from "./event-log.ts";
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
  /** Partitions of topics created by `ensureTopics` (default {@link DEFAULT_PARTITIONS}). */
  partitions?: number;
  /** Replication factor of topics created by `ensureTopics` (default 1: one local broker). */
  replicationFactor?: number;
  /** How long `subscribe` waits for the consumer to join its group (default 30 s). */
  joinTimeoutMs?: number;
}

/** At most this many records of one partition are in an unordered handler at once. */
const UNORDERED_CONCURRENCY = 32;

/**
 * How often offsets of records passed over (`accepts` said no) are committed. kafkajs's auto-commit
 * sends one OffsetCommit per batch and partition, and a Trigger's consumer group reads every event
 * of the topic, most of them not its type: that was most of the Kafka requests of an order. Batches
 * with a record the handler took are still committed before the next fetch (coalesced across the
 * partitions in hand), so a rebalance hands nothing handled over again.
 */
const COMMIT_INTERVAL_MS = 1_000;

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
        const created = await admin.createTopics({
          waitForLeaders: true,
          topics: topics.map((topic) => ({
            topic,
            numPartitions: options.partitions ?? DEFAULT_PARTITIONS,
            replicationFactor: options.replicationFactor ?? 1,
          })),
        });
        // The metadata names a leader for each partition before that broker serves it; a first
        // publish meanwhile is refused for some partitions, and kafkajs retries the whole request,
        // writing the accepted partitions' records twice. Asking every leader for its offsets
        // until each answers waits until all of them do.
        if (created) for (const topic of topics) await topicOffsets(admin, topic);
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
      const subscription = await startConsumer(consumer, spec, {
        backoff,
        joinTimeoutMs: options.joinTimeoutMs ?? 30_000,
        concurrency: options.partitions ?? DEFAULT_PARTITIONS,
        logger,
      });
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
  options: {
    backoff: RedeliveryBackoff;
    joinTimeoutMs: number;
    /** Partitions handled at once (their batches run side by side). */
    concurrency: number;
    logger: LogLogger | undefined;
  },
): Promise<Subscription> {
  const { backoff, joinTimeoutMs, logger } = options;
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

  // The next offset to read of each partition, once every record before it was handled, and what of
  // it Kafka has: only resolved offsets are ever committed, so never one past an unhandled record.
  const resolved = new Map<number, string>();
  const committed = new Map<number, string>();
  let batches = 0;
  let drained: (() => void) | undefined;
  let flushing: Promise<void> | undefined;
  function resolve(payload: EachBatchPayload, record: LogRecord): void {
    payload.resolveOffset(record.offset);
    resolved.set(record.partition, (BigInt(record.offset) + 1n).toString());
  }
  // One commit in flight at a time; batches finishing meanwhile share the next one.
  async function flush(): Promise<void> {
    while (flushing) await flushing;
    if (![...resolved].some(([partition, offset]) => committed.get(partition) !== offset)) return;
    flushing = (async () => {
      const due = [...resolved].filter(([partition, offset]) => committed.get(partition) !== offset);
      if (due.length === 0) return;
      await consumer.commitOffsets(
        due.map(([partition, offset]) => ({ topic: spec.topic, partition, offset })),
      );
      for (const [partition, offset] of due) committed.set(partition, offset);
    })()
      .catch((error: unknown) =>
        logger?.warn({ err: error, groupId: spec.groupId }, "kafka offset commit failed"),
      )
      .finally(() => {
        flushing = undefined;
      });
    return flushing;
  }
  const committer = setInterval(() => void flush(), COMMIT_INTERVAL_MS);
  committer.unref();

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    batches++;
    try {
      await handleBatch(payload);
    } finally {
      if (--batches === 0) drained?.();
    }
  }

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const stopped = () => stopping || !payload.isRunning() || payload.isStale();
    // kafkajs heartbeats only when asked: keep the membership alive while a record is retried.
    const pause = async (ms: number) => {
      await wait(ms);
      if (!stopped()) await payload.heartbeat();
    };
    const redeliver = { groupId: spec.groupId, stopped, wait: pause, backoff, logger };
    const all = batch.messages.map((message) => toLogRecord(batch.topic, batch.partition, message));
    const records = spec.accepts ? all.filter(spec.accepts) : all;
    const last = all.at(-1);
    if (records.length === 0) {
      if (last) resolve(payload, last);
      return;
    }
    const taken = new Set(records);
    if (spec.ordered) {
      for (const record of all) {
        if (taken.has(record)) {
          if (!(await handleUntilDone(record, spec.handler, redeliver))) break;
          await payload.heartbeat();
        }
        resolve(payload, record);
      }
      await flush();
      return;
    }
    const heartbeats = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => logger?.warn({ err: error }, "kafka heartbeat failed"));
    }, 3_000);
    const done = await handleConcurrently(records, UNORDERED_CONCURRENCY, (record) =>
      handleUntilDone(record, spec.handler, redeliver),
    ).finally(() => clearInterval(heartbeats));
    // Resolve only the run of handled records from the start of the batch: kafkajs fetches and we
    // commit from the resolved offset, so anything after an unhandled record is delivered again.
    const unhandled = done.indexOf(false);
    const upTo = unhandled === -1 ? last : all[all.indexOf(records[unhandled]!) - 1];
    if (upTo) resolve(payload, upTo);
    await payload.heartbeat();
    await flush();
  }

  await consumer.connect();
  try {
    await consumer.subscribe({ topic: spec.topic, fromBeginning: spec.fromBeginning ?? true });
    await consumer.run({
      // Committed by flush(), after a batch with a record the handler took, on a timer and on
      // close: never past a resolved offset.
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Partitions are independent; within one, eachBatch runs one batch at a time.
      partitionsConsumedConcurrently: options.concurrency,
      eachBatch,
    });
    await joined;
  } catch (error) {
    clearInterval(committer);
    await consumer.disconnect();
    throw error;
  } finally {
    clearTimeout(joinTimer);
  }
  return {
    async close() {
      stopping = true;
      for (const wake of [...pending]) wake();
      clearInterval(committer);
      // The batches in hand stop at their next record; then what they handled is committed, so the
      // next member of the group starts right after it.
      if (batches > 0) await new Promise<void>((done) => (drained = done));
      await flushing;
      await flush();
      await consumer.disconnect();
    },
  };
}

/**
 * The offsets of every partition of `topic`, asked again (up to 30 s) while a leader is still moving
 * in: a topic another process has just created answers "not the leader" for a moment.
 */
async function topicOffsets(admin: Admin, topic: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Hands each record to `handle`, at most `limit` at once, in offset order of starting; says which were
 * handled. Once one is not (the subscription is stopping), no further record is started.
 */
async function handleConcurrently(
  records: LogRecord[],
  limit: number,
  handle: (record: LogRecord) => Promise<boolean>,
): Promise<boolean[]> {
  const done = records.map(() => false);
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped && next < records.length) {
      const index = next++;
      done[index] = await handle(records[index]!);
      if (!done[index]) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, records.length) }, lane));
  return done;
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
