/**
 * Group commit for a producer: the publishes to a topic asked for while a Produce request for that
 * topic is in flight go out together in the next one. In one process (the embedded shop, local
 * one-process mode) every function's relay and the runner's replies share one producer, so an
 * order's events, which several functions publish within milliseconds of each other, cost fewer
 * Produce requests, and every consumer group (one per Trigger, each long-polling the topic) is woken
 * fewer times (issue 14).
 *
 * Nothing changes for a caller: its records go out in one request, in its order, after every record
 * asked for before them on that topic; its promise resolves when that request is acknowledged (acks
 * from all in-sync replicas, as before) and rejects with its error, so a relay that fails leaves its
 * rows to its sweep exactly as when it had the request to itself. Topics queue apart, so a send that
 * kafkajs keeps retrying (a topic without metadata) holds back only its own topic. When a shared
 * request fails, each publish in it is sent again alone: a record the broker refuses (too large)
 * fails only the publish that carried it.
 */

/** Sends one Produce request with `messages` for `topic`, in their order. */
export type SendMessages<M> = (topic: string, messages: M[]) => Promise<void>;

/** Records a shared request carries at most, unless a single publish alone is larger. */
export const COALESCED_MAX = 500;

interface Waiting<M> {
  messages: M[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** `publish(topic, messages)`: per topic one request at a time, each carrying what waited meanwhile. */
export function publishQueue<M>(send: SendMessages<M>, max = COALESCED_MAX) {
  const queues = new Map<string, Waiting<M>[]>();

  async function drain(topic: string, waiting: Waiting<M>[]): Promise<void> {
    try {
      while (waiting.length > 0) {
        const taken = take(waiting);
        try {
          await send(
            topic,
            taken.flatMap((w) => w.messages),
          );
          for (const w of taken) w.resolve();
        } catch (error) {
          if (taken.length === 1) taken[0]!.reject(error);
          else await alone(topic, taken);
        }
      }
    } finally {
      queues.delete(topic);
    }
  }

  /** Each publish of a failed shared request, on its own: only those that fail again reject. */
  async function alone(topic: string, taken: Waiting<M>[]): Promise<void> {
    for (const w of taken) {
      try {
        await send(topic, w.messages);
        w.resolve();
      } catch (error) {
        w.reject(error);
      }
    }
  }

  /** The oldest waiting publishes, as many as fit in `max` records (at least one). */
  function take(waiting: Waiting<M>[]): Waiting<M>[] {
    let count = 0;
    let n = 0;
    while (n < waiting.length) {
      const size = waiting[n]!.messages.length;
      if (n > 0 && count + size > max) break;
      count += size;
      n += 1;
    }
    return waiting.splice(0, n);
  }

  return function publish(topic: string, messages: M[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiting = queues.get(topic);
      if (waiting) {
        waiting.push({ messages, resolve, reject });
        return;
      }
      const fresh = [{ messages, resolve, reject }];
      queues.set(topic, fresh);
      void drain(topic, fresh);
    });
  };
}
