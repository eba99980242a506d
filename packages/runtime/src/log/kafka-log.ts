/**
 * The event log over Apache Kafka (kafkajs) as a function holds it: an idempotent producer for the
 * outbox relay, and the topics it publishes to. Consuming is the broker's side: Knative's Kafka broker in
 * the cluster, the local platform (`@shop/platform`) on one machine, which hands its consumers in.
 */
import {
  type Admin,
  Kafka,
  type LogEntry,
  logLevel,
  type Message,
  Partitioners,
  type RetryOptions,
} from "kafkajs";
import { DEFAULT_PARTITIONS, type EventLog, type SubscribeOptions, type Subscription } from "./event-log.ts";
import { publishQueue } from "./publish-queue.ts";
import type { LogLogger } from "./redeliver.ts";

/** Options of {@link createKafkaLog}. */
export interface KafkaLogOptions {
  brokers: string[];
  clientId: string;
  /** Receives kafkajs's warnings and errors and the log's own reports; without it they go to stderr. */
  logger?: LogLogger;
  /** Partitions of topics created by `ensureTopics` (default {@link DEFAULT_PARTITIONS}). */
  partitions?: number;
  /** Replication factor of topics created by `ensureTopics` (default 1: one local broker). */
  replicationFactor?: number;
  /** kafkajs's retries of the client's requests and connections (default kafkajs's: 5, from 0.3 s). */
  retry?: RetryOptions;
  /**
   * The consuming side, given by whoever consumes (the local platform). Without it `subscribe`
   * rejects: a function only publishes, and the broker delivers to it over HTTP.
   */
  consumers?: KafkaConsumersFactory;
  /**
   * Called with the Kafka API name (Produce, Fetch, OffsetCommit, Metadata, …) of every request any
   * client of this log sends, consumers included: `shop_kafka_requests_total`, what `pnpm bench` counts.
   */
  onRequest?: (api: string) => void;
}

/** The consumer groups of a Kafka log: what its `subscribe` and `close` hand over to. */
export interface KafkaConsumers {
  subscribe(spec: SubscribeOptions): Promise<Subscription>;
  /** Stops every subscription (after the records in hand are handled). */
  close(): Promise<void>;
}

/** Makes the consumers of a Kafka log from its kafkajs client. */
export type KafkaConsumersFactory = (
  kafka: Kafka,
  context: {
    /** Partitions of the topics the log creates, i.e. how many a consumer may handle side by side. */
    partitions: number;
    logger: LogLogger | undefined;
  },
) => KafkaConsumers;

/**
 * Creates an {@link EventLog} over Kafka. The producer is idempotent and waits for all in-sync
 * replicas, so a publish that resolved is durable and a retried one is not duplicated; it connects
 * at once in the background (see `ready()`). `subscribe` is the `consumers`' (see the options).
 */
export function createKafkaLog(options: KafkaLogOptions): EventLog {
  const logger = options.logger;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: logger ? () => (entry) => forward(logger, entry) : undefined,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const client = options.onRequest ? counting(kafka, options.onRequest) : kafka;
  const producer = client.producer({
    idempotent: true,
    // kafkajs keeps sequence numbers per partition only for one request in flight at a time.
    maxInFlightRequests: 1,
    // Explicit, so kafkajs does not warn about its v2 default; the same murmur2 partitioner as Java clients.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  // Publishes asked for while a request for their topic is in flight share the next one (publish-queue.ts).
  const send = publishQueue<Message>(async (topic, messages) => {
    await producer.send({ topic, acks: -1, messages });
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

  const consumers = options.consumers?.(client, {
    partitions: options.partitions ?? DEFAULT_PARTITIONS,
    logger,
  });
  let closed = false;

  return {
    async ensureTopics(topics) {
      const admin = client.admin();
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
      await send(
        topic,
        records.map((record) => ({
          key: record.key,
          value: Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength),
          headers: record.headers,
        })),
      );
    },

    async subscribe(spec) {
      if (closed) throw new Error("the kafka log is closed");
      if (!consumers) {
        throw new Error("this kafka log only publishes: the broker consumes (locally, @shop/platform)");
      }
      return consumers.subscribe(spec);
    },

    async ready() {
      if (!connected && !closed) connect().catch(() => undefined);
      return connected;
    },

    async close() {
      closed = true;
      await consumers?.close();
      await producer.disconnect();
    },
  };
}

/**
 * The offsets of every partition of `topic`, asked again (up to 30 s) while a leader is still moving
 * in: a topic another process has just created answers "not the leader" for a moment.
 */
export async function topicOffsets(admin: Admin, topic: string) {
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
 * kafkajs's error answers that are expected while a cluster or its topics are being set up: a topic
 * another client just created, a group coordinator or a partition leader not elected yet. kafkajs
 * retries the retriable ones by itself, and the admin client treats an existing topic as success;
 * what it gives up on reaches the caller as an error. So they are logged at debug, not as warnings.
 */
export const EXPECTED_WHILE_STARTING: readonly string[] = [
  // CreateTopics, when any of the topics exists already (TOPIC_ALREADY_EXISTS inside).
  "Topic creation errors",
  "Topic with this name already exists", // TOPIC_ALREADY_EXISTS
  "The group coordinator is not available", // GROUP_COORDINATOR_NOT_AVAILABLE
  "The coordinator is loading and hence can't process requests for this group", // GROUP_LOAD_IN_PROGRESS
  "This is not the correct coordinator for this group", // NOT_COORDINATOR_FOR_GROUP
  "There is no leader for this topic-partition as we are in the middle of a leadership election", // LEADER_NOT_AVAILABLE
  "This server is not the leader for that topic-partition", // NOT_LEADER_FOR_PARTITION
  "This server does not host this topic-partition", // UNKNOWN_TOPIC_OR_PARTITION
  "This is not the correct controller for this cluster", // NOT_CONTROLLER
];

/** Logs a kafkajs log entry with `logger`, at the level it deserves (see below). */
export function forward(logger: LogLogger, { level, namespace, log }: LogEntry): void {
  // The line has its own time; `component` says it is kafkajs's.
  const { message, timestamp: _, logger: __, ...fields } = log;
  const obj = { ...fields, namespace, component: "kafkajs" };
  // kafkajs reports every error response at ERROR, though it retries the retriable ones (a coordinator
  // still loading, a leader moving) by itself: those are warnings until kafkajs gives up, and the
  // conditions of a cluster being set up are not even that (EXPECTED_WHILE_STARTING).
  const retried = namespace === "Connection" && message.startsWith("Response ");
  const error = typeof fields.error === "string" ? fields.error : "";
  if (retried && EXPECTED_WHILE_STARTING.includes(error)) logger.debug?.(obj, message);
  else if ((level === logLevel.ERROR || level === logLevel.NOTHING) && !retried) logger.error(obj, message);
  else if (level === logLevel.WARN || retried) logger.warn(obj, message);
  else logger.info(obj, message);
}

/** `kafka` whose producers, consumers and admins report each request they send to `onRequest`. */
function counting(kafka: Kafka, onRequest: (api: string) => void): Kafka {
  const report = (event: { payload: { apiName: string } }) => onRequest(event.payload.apiName);
  const wrapped = Object.create(kafka) as Kafka;
  wrapped.producer = (config) => {
    const producer = kafka.producer(config);
    producer.on(producer.events.REQUEST, report);
    return producer;
  };
  wrapped.consumer = (config) => {
    const consumer = kafka.consumer(config);
    consumer.on(consumer.events.REQUEST, report);
    return consumer;
  };
  wrapped.admin = (config) => {
    const admin = kafka.admin(config);
    admin.on(admin.events.REQUEST, report);
    return admin;
  };
  return wrapped;
}
