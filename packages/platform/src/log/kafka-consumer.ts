/**
 * One subscription of the Kafka event log: a kafkajs consumer in the subscription's group that hands
 * records to the handler (one at a time per partition when ordered, side by side when not), redelivers
 * a failed one until it is handled, and commits only offsets up to where every record was handled.
 */
import type { LogRecord, SubscribeOptions, Subscription } from "@shop/runtime";
import { handleUntilDone, type LogLogger, type RedeliveryBackoff } from "@shop/runtime/log";
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from "kafkajs";

/** At most this many records of one partition are in an unordered handler at once. */
const UNORDERED_CONCURRENCY = 32;

/**
 * How often handled offsets are committed: on this timer, when a rebalance starts and on close, as
 * Knative's dispatcher does (its OffsetManager commits every tracked partition on a periodic timer and
 * on revocation), never after each batch. A Trigger's consumer group reads every event of the topic,
 * and one OffsetCommit per batch was a third of the Kafka requests of an order. Delivery stays at least
 * once and nothing is committed past an unhandled record; what a crashed member handled in its last
 * second is delivered again to the next one, and the subscribers' processed-event records answer it
 * "duplicate", as for any redelivery.
 */
const COMMIT_INTERVAL_MS = 1_000;

/** Runs `consumer` for `spec` and resolves once it joined its group. */
export async function startConsumer(
  consumer: Consumer,
  spec: SubscribeOptions,
  options: {
    backoff: RedeliveryBackoff;
    joinTimeoutMs: number;
    /** Partitions handled at once (their batches run side by side). */
    concurrency: number;
    /** How often a batch in hand heartbeats (kafkajs sends at most one per its `heartbeatInterval`). */
    heartbeatIntervalMs: number;
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
  // The partitions may move to another member: hand them over with what was handled so far.
  consumer.on(consumer.events.REBALANCING, () => void flush());

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    batches++;
    // kafkajs heartbeats only between batches or when asked, and one delivery may take its whole
    // timeout and retries: the membership is kept alive while the batch is in hand (ordered or not).
    const heartbeats = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => logger?.warn({ err: error }, "kafka heartbeat failed"));
    }, options.heartbeatIntervalMs);
    try {
      await handleBatch(payload);
    } finally {
      clearInterval(heartbeats);
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
      return;
    }
    const done = await handleConcurrently(records, UNORDERED_CONCURRENCY, (record) =>
      handleUntilDone(record, spec.handler, redeliver),
    );
    // Resolve only the run of handled records from the start of the batch: kafkajs fetches and we
    // commit from the resolved offset, so anything after an unhandled record is delivered again.
    const unhandled = done.indexOf(false);
    const upTo = unhandled === -1 ? last : all[all.indexOf(records[unhandled]!) - 1];
    if (upTo) resolve(payload, upTo);
    await payload.heartbeat();
  }

  const run = () =>
    consumer.run({
      // Committed by flush(), on a timer, when a rebalance starts and on
      // close: never past a resolved offset.
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Partitions are independent; within one, eachBatch runs one batch at a time.
      partitionsConsumedConcurrently: options.concurrency,
      eachBatch,
    });

  // kafkajs starts a crashed consumer again only when the crash's cause is retriable; after one marked
  // otherwise (its own ILLEGAL_GENERATION or REBALANCE_IN_PROGRESS among them) it stops for good, and
  // the Trigger would deliver nothing more while its process runs on. Knative's dispatcher keeps a
  // Trigger consuming whatever failed; so does this: the consumer is started again, after a pause
  // that doubles up to the redelivery cap. It resumes from the committed offsets: at least once, as
  // after any restart.
  let restarts = 0;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || stopping) return;
    logger?.error(
      { err: payload.error, groupId: spec.groupId },
      "kafka consumer crashed and kafkajs gave up on it; starting it again",
    );
    void (async () => {
      // Until it runs again: a start that fails later (joining the group) is a CRASH of its own.
      for (;;) {
        await wait(Math.min(backoff.firstMs * 2 ** restarts, backoff.maxMs));
        restarts++;
        if (stopping) return;
        try {
          await consumer.connect();
          await run();
          return;
        } catch (error) {
          logger?.error({ err: error, groupId: spec.groupId }, "kafka consumer could not start again");
        }
      }
    })();
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    restarts = 0;
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topic: spec.topic, fromBeginning: spec.fromBeginning ?? true });
    await run();
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

/** A record of a fetched batch as the handler sees it. */
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
