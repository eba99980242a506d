/**
 * The event log of embedded mode: Kafka's delivery semantics in one process, with nothing to run.
 * Topics have a fixed number of partitions; a key always lands in the partition Kafka's default
 * partitioner would pick, so ordering per key behaves the same in both modes.
 *
 * Retention, so a long-running shop does not hold every record it ever saw: a partition drops the
 * records that every consumer group of its topic has committed past, keeping the newest
 * `retainRecords` of them (like Kafka's retention, which drops old records whoever read them, but
 * never one a group still has to read). A group that joins later from the beginning starts at the
 * earliest record kept, as a Kafka consumer does after retention. A closed group's offsets hold its
 * records back until it resumes, unless it was `transient` (a tail).
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
  /**
   * Records of a partition kept after every group of its topic has committed past them (default
   * {@link DEFAULT_RETAINED_RECORDS}): what a group joining from the beginning still finds.
   */
  retainRecords?: number;
  logger?: LogLogger;
}

/** Records each partition keeps once every group has read them: enough for `shop events tail`'s history. */
export const DEFAULT_RETAINED_RECORDS = 1_000;

interface Partition {
  /** The offset of `records[0]`: the records before it were dropped by retention. */
  base: number;
  records: LogRecord[];
}

interface Topic {
  partitions: Partition[];
  roundRobin: number;
  /** Consumers with nothing left to read sleep here instead of polling; an append wakes them all. */
  sleepers: Set<() => void>;
  /** The committed offset (the next record to hand out) per partition of every group of the topic. */
  groups: Map<string, number[]>;
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
  const retain = options.retainRecords ?? DEFAULT_RETAINED_RECORDS;
  if (!(retain >= 0)) throw new Error("retainRecords must be 0 or more");
  const topics = new Map<string, Topic>();
  const activeGroups = new Set<string>();
  const subscriptions = new Set<Subscription>();

  function topic(name: string): Topic {
    let found = topics.get(name);
    if (!found) {
      // Like Kafka with auto.create.topics.enable, the default of a local broker.
      found = {
        partitions: Array.from({ length: partitionCount }, () => ({ base: 0, records: [] })),
        roundRobin: 0,
        sleepers: new Set(),
        groups: new Map(),
      };
      topics.set(name, found);
    }
    return found;
  }

  /** Drops the records of a partition every group has committed past, but the newest `retain`. */
  function applyRetention(target: Topic, partition: number) {
    // With no group yet, nobody has read anything: the runner's groups may still be subscribing.
    if (target.groups.size === 0) return;
    const part = target.partitions[partition]!;
    let floor = part.base + part.records.length - retain;
    for (const offsets of target.groups.values()) floor = Math.min(floor, offsets[partition]!);
    const drop = floor - part.base;
    if (drop <= 0) return;
    part.records.splice(0, drop);
    part.base = floor;
  }

  return {
    async ensureTopics(names) {
      for (const name of names) topic(name);
    },

    async publish(name, records) {
      const target = topic(name);
      const touched = new Set<number>();
      for (const record of records) {
        const partition =
          record.key === null
            ? target.roundRobin++ % partitionCount
            : partitionForKey(record.key, partitionCount);
        const part = target.partitions[partition]!;
        const offset = part.base + part.records.length;
        part.records.push({ ...copy(record), topic: name, partition, offset: String(offset) });
        touched.add(partition);
      }
      // At each append rather than each commit: appends are rarer (every group commits every record).
      for (const partition of touched) applyRetention(target, partition);
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
      let offsets = source.groups.get(subscribe.groupId);
      if (!offsets) {
        const fromBeginning = subscribe.fromBeginning ?? true;
        // From the beginning: the earliest record retention kept.
        offsets = source.partitions.map((p) => (fromBeginning ? p.base : p.base + p.records.length));
        source.groups.set(subscribe.groupId, offsets);
      }
      const subscription = consume(source, offsets, subscribe, () => {
        activeGroups.delete(groupKey);
        subscriptions.delete(subscription);
        if (subscribe.transient) source.groups.delete(subscribe.groupId);
      });
      subscriptions.add(subscription);
      return subscription;
    },

    async ready() {
      return true;
    },

    held() {
      let records = 0;
      for (const { partitions } of topics.values())
        for (const part of partitions) records += part.records.length;
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
      const part = source.partitions[partition]!;
      while (!stopped) {
        const next = offsets[partition]!;
        // Never negative: retention keeps every record from this group's committed offset on.
        const at = next - part.base;
        if (at >= part.records.length) {
          await sleep(null);
          continue;
        }
        if (spec.ordered) {
          const record = part.records[at]!;
          if (wanted(record) && !(await handleUntilDone(record, spec.handler, redeliver))) return;
          offsets[partition] = next + 1;
          continue;
        }
        const batch = part.records.slice(at, at + maxConcurrency);
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
        return offsets.reduce((sum, offset, partition) => {
          const part = source.partitions[partition]!;
          return sum + part.base + part.records.length - offset;
        }, 0);
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
