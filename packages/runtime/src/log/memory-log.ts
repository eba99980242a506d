/**
 * The event log of embedded mode: Kafka's delivery semantics in one process, with nothing to run.
 * Topics have a fixed number of partitions; a key always lands in the partition Kafka's default
 * partitioner would pick, so ordering per key behaves the same in both modes.
 */
import {
  DEFAULT_PARTITIONS,
  type EventLog,
  type LogRecord,
  type OutgoingRecord,
  type SubscribeOptions,
  type Subscription,
} from "./event-log.ts";
import {
  defaultRedeliveryBackoff,
  handleUntilDone,
  type LogLogger,
  type RedeliveryBackoff,
} from "./redeliver.ts";

/** Options of {@link createMemoryLog}. */
export interface MemoryLogOptions {
  /** Partitions of every topic (default {@link DEFAULT_PARTITIONS}, like the Kafka topics of `ensureTopics`). */
  partitions?: number;
  /** How long to wait before handing a failed record to its handler again. */
  redeliveryBackoff?: RedeliveryBackoff;
  /** Unordered subscriptions handle up to this many records of one partition at once (default 16). */
  maxConcurrency?: number;
  logger?: LogLogger;
}

interface Topic {
  partitions: LogRecord[][];
  roundRobin: number;
  /** Consumers with nothing left to read sleep here instead of polling; an append wakes them all. */
  sleepers: Set<() => void>;
}

/**
 * Creates an in-memory {@link EventLog}. Each consumer group has one member at a time: a second
 * subscription of a group that is already consuming is refused, since one process needs no more.
 * Committed offsets outlive a closed subscription, so a later member of the group resumes where it stopped.
 */
export function createMemoryLog(options: MemoryLogOptions = {}): EventLog {
  const partitionCount = options.partitions ?? DEFAULT_PARTITIONS;
  const backoff = options.redeliveryBackoff ?? defaultRedeliveryBackoff;
  const maxConcurrency = options.maxConcurrency ?? 16;
  const topics = new Map<string, Topic>();
  /** Committed offset (the next record to hand out) per group, topic and partition. */
  const committed = new Map<string, number[]>();
  const activeGroups = new Set<string>();
  const subscriptions = new Set<Subscription>();

  function topic(name: string): Topic {
    let found = topics.get(name);
    if (!found) {
      // Like Kafka with auto.create.topics.enable, the default of a local broker.
      found = {
        partitions: Array.from({ length: partitionCount }, () => []),
        roundRobin: 0,
        sleepers: new Set(),
      };
      topics.set(name, found);
    }
    return found;
  }

  return {
    async ensureTopics(names) {
      for (const name of names) topic(name);
    },

    async publish(name, records) {
      const target = topic(name);
      for (const record of records) {
        const partition =
          record.key === null
            ? target.roundRobin++ % partitionCount
            : partitionForKey(record.key, partitionCount);
        const log = target.partitions[partition]!;
        log.push({ ...copy(record), topic: name, partition, offset: String(log.length) });
      }
      for (const wake of [...target.sleepers]) wake();
    },

    async subscribe(subscribe) {
      const groupKey = `${subscribe.groupId}\u0000${subscribe.topic}`;
      if (activeGroups.has(groupKey)) {
        throw new Error(
          `the in-memory log allows one member per consumer group; ${subscribe.groupId} already consumes ${subscribe.topic}`,
        );
      }
      activeGroups.add(groupKey);
      const source = topic(subscribe.topic);
      let offsets = committed.get(groupKey);
      if (!offsets) {
        const fromBeginning = subscribe.fromBeginning ?? true;
        offsets = source.partitions.map((log) => (fromBeginning ? 0 : log.length));
        committed.set(groupKey, offsets);
      }
      const subscription = consume(source, offsets, subscribe, () => {
        activeGroups.delete(groupKey);
        subscriptions.delete(subscription);
      });
      subscriptions.add(subscription);
      return subscription;
    },

    async ready() {
      return true;
    },

    held() {
      let records = 0;
      for (const { partitions } of topics.values()) for (const log of partitions) records += log.length;
      return records;
    },

    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
    },
  };

  function consume(
    source: Topic,
    offsets: number[],
    spec: SubscribeOptions,
    onClosed: () => void,
  ): Subscription {
    let stopped = false;
    /** Wake-ups of this subscription's sleeping loops and backoff pauses, so close() ends them at once. */
    const pending = new Set<() => void>();
    const sleep = (ms: number | null) =>
      new Promise<void>((resolve) => {
        const timer = ms === null ? undefined : setTimeout(() => wake(), ms);
        const wake = () => {
          clearTimeout(timer);
          pending.delete(wake);
          source.sleepers.delete(wake);
          resolve();
        };
        pending.add(wake);
        if (ms === null) source.sleepers.add(wake);
      });
    const redeliver = {
      groupId: spec.groupId,
      stopped: () => stopped,
      wait: (ms: number) => sleep(ms),
      backoff,
      logger: options.logger,
    };

    const wanted = (record: LogRecord) => spec.accepts?.(record) ?? true;

    async function consumePartition(partition: number): Promise<void> {
      const log = source.partitions[partition]!;
      while (!stopped) {
        const next = offsets[partition]!;
        if (next >= log.length) {
          await sleep(null);
          continue;
        }
        if (spec.ordered) {
          const record = log[next]!;
          if (wanted(record) && !(await handleUntilDone(record, spec.handler, redeliver))) return;
          offsets[partition] = next + 1;
          continue;
        }
        const batch = log.slice(next, next + maxConcurrency);
        const done = await Promise.all(
          batch.map((record) =>
            wanted(record) ? handleUntilDone(record, spec.handler, redeliver) : Promise.resolve(true),
          ),
        );
        // Commit only the run of handled records from the start: a record left unhandled by a stop
        // must be handed out again, and offsets cannot skip over it.
        const handled = done.indexOf(false);
        offsets[partition] = next + (handled === -1 ? done.length : handled);
      }
    }

    const running = Promise.all(offsets.map((_, partition) => consumePartition(partition))).finally(onClosed);
    return {
      async close() {
        stopped = true;
        for (const wake of [...pending]) wake();
        await running;
      },
      async lag() {
        return offsets.reduce(
          (sum, offset, partition) => sum + source.partitions[partition]!.length - offset,
          0,
        );
      },
    };
  }
}

function copy(record: OutgoingRecord): OutgoingRecord {
  // The log keeps its own bytes: a publisher reusing its buffer must not rewrite history.
  return { key: record.key, value: Uint8Array.from(record.value), headers: { ...record.headers } };
}

/**
 * The partition Kafka's default partitioner (Java client and kafkajs alike) picks for a key:
 * murmur2 of its UTF-8 bytes, made positive, modulo the partition count.
 */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, "utf8")) & 0x7fffffff) % partitions;
}

function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
