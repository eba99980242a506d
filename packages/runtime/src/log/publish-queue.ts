/**
 * Group commit for a producer: the publishes asked for while one Produce request is in flight go out
 * together in the next one. In one process (the embedded shop, local one-process mode) every
 * function's relay and the runner's replies share one producer, so an order's events, which several
 * functions publish within milliseconds of each other, cost fewer Produce requests, and every consumer
 * group (one per Trigger, each long-polling the topic) is woken fewer times (issue 14).
 *
 * Nothing changes for a caller: its records go out in one request, in its order, after every record
 * asked for before them; its promise resolves when that request is acknowledged (acks from all in-sync
 * replicas, as before) and rejects with the request's error, so a relay that fails leaves its rows to
 * its sweep exactly as when it had the request to itself. kafkajs's idempotent producer allows one
 * request in flight, so the requests were sent one after another already; now they are fewer.
 */

/** The records one publish hands over, for one topic. */
export interface TopicBatch<M> {
  topic: string;
  messages: M[];
}

/** Sends one Produce request carrying every batch given (their order kept, per topic). */
export type SendBatches<M> = (batches: TopicBatch<M>[]) => Promise<void>;

/** Records a coalesced request carries at most, unless a single publish alone is larger. */
export const COALESCED_MAX = 500;

interface Waiting<M> {
  batch: TopicBatch<M>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** `publish(topic, messages)`, one request at a time, each carrying what waited meanwhile. */
export function publishQueue<M>(send: SendBatches<M>, max = COALESCED_MAX) {
  let waiting: Waiting<M>[] = [];
  let sending = false;

  async function drain(): Promise<void> {
    sending = true;
    try {
      while (waiting.length > 0) {
        const taken = take();
        try {
          await send(merge(taken.map((w) => w.batch)));
          for (const w of taken) w.resolve();
        } catch (error) {
          for (const w of taken) w.reject(error);
        }
      }
    } finally {
      sending = false;
    }
  }

  /** The oldest waiting publishes, as many as fit in `max` records (at least one). */
  function take(): Waiting<M>[] {
    let count = 0;
    let n = 0;
    while (n < waiting.length) {
      const size = waiting[n]!.batch.messages.length;
      if (n > 0 && count + size > max) break;
      count += size;
      n += 1;
    }
    const taken = waiting.slice(0, n);
    waiting = waiting.slice(n);
    return taken;
  }

  return function publish(topic: string, messages: M[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      waiting.push({ batch: { topic, messages }, resolve, reject });
      if (!sending) void drain();
    });
  };
}

/** One batch per topic, in the order the topics first appear, each topic's records in publish order. */
function merge<M>(batches: TopicBatch<M>[]): TopicBatch<M>[] {
  const byTopic = new Map<string, M[]>();
  for (const { topic, messages } of batches) {
    const list = byTopic.get(topic);
    if (list) list.push(...messages);
    else byTopic.set(topic, [...messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
