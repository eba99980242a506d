/**
 * Log lines to Kafka (`shop.logs`): a pino destination that keeps each JSON line in a bounded buffer
 * and ships them in batches with a kafkajs producer, keyed by the function's name (so one function's
 * lines stay in order on one partition). Writing never waits for Kafka and never throws: while Kafka
 * is slow or down lines wait in the buffer, past its bound new lines are dropped and counted, and the
 * function goes on serving and logging to stdout. Close delivers what is left (up to a deadline).
 */
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { BATCH_LINES, keepInBuffer, MAX_LINE_BYTES, takeBatch } from "./batch.ts";

/** Options of {@link createKafkaLogSink}. */
export interface KafkaLogSinkOptions {
  brokers: string[];
  topic: string;
  /** The record key of every line: the function's name. */
  key: string;
  /** Lines kept while Kafka is slow or down (default 10,000); past that, new lines are dropped. */
  maxLines?: number;
  /** How long a line waits for others to share its produce request, in ms (default 200). */
  lingerMs?: number;
  /**
   * How long close() keeps trying to deliver what is left, in ms (default 3,000: a function's stop
   * stays well inside its supervisor's 10 s grace).
   */
  closeTimeoutMs?: number;
  /**
   * Told (asynchronously, so it may log) when shipping starts failing and works again, once when
   * lines start being dropped, and at close when any were. Its own lines go to stdout as any other.
   */
  report?: (fields: Record<string, unknown>, message: string) => void;
}

/** What a sink has done so far. */
export interface LogSinkStats {
  /** Lines Kafka acknowledged. */
  shipped: number;
  /** Lines given up on: the buffer was full, a line was too large, or close ran out of time. */
  dropped: number;
  /** Lines waiting in the buffer. */
  buffered: number;
}

/** A pino destination shipping to Kafka (see the file's comment). */
export interface KafkaLogSink {
  /** pino's destination contract: takes one or more newline-terminated JSON lines; never blocks. */
  write(chunk: string): boolean;
  stats(): LogSinkStats;
  /** Resolves once every line written so far is in Kafka, or after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<void>;
  /** Flushes (up to closeTimeoutMs), counts what is left as dropped, disconnects. */
  close(): Promise<void>;
}

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;

/** Creates a sink; it connects on its first batch, so creating one never waits for Kafka. */
export function createKafkaLogSink(options: KafkaLogSinkOptions): KafkaLogSink {
  const maxLines = options.maxLines ?? 10_000;
  const lingerMs = options.lingerMs ?? 200;
  const report = (fields: Record<string, unknown>, message: string) =>
    queueMicrotask(() => options.report?.({ topic: options.topic, ...fields }, message));
  // kafkajs's own reports would be log lines shipped through this very sink: the sink reports instead.
  // Few, short retries: the sink retries whole batches itself, with its own backoff.
  const kafka = new Kafka({
    clientId: `${options.key}-logs`,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1_000 },
  });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected = false;
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });
  const buffer: string[] = [];
  let shipped = 0;
  let dropped = 0;
  let closed = false;
  let failing = false;
  let dropReported = false;
  let backoffMs = 0;
  let retryAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> | undefined;
  // The lines of the batch in flight; `abandoned` once close() stopped waiting for it and counted them.
  let inFlight = 0;
  let abandoned = false;

  const drop = (count: number, why: string) => {
    if (count <= 0) return;
    dropped += count;
    if (dropReported) return;
    dropReported = true;
    report({ why, maxLines }, "log shipping: dropping log lines (counted; reported once, the total at stop)");
  };

  async function send(): Promise<void> {
    const batch = takeBatch(buffer);
    if (batch.length === 0) return;
    inFlight = batch.length;
    try {
      if (!connected) {
        await producer.connect();
        connected = true;
      }
      await producer.send({
        topic: options.topic,
        // The leader's acknowledgement is enough for log lines; nothing waits on them.
        acks: 1,
        messages: batch.map((value) => ({ key: options.key, value })),
      });
      if (abandoned) return;
      shipped += batch.length;
      backoffMs = 0;
      if (failing) report({ shipped, dropped }, "log shipping to Kafka works again");
      failing = false;
    } catch (error) {
      if (abandoned) return;
      // Back in front, as many as fit, in order: the lines of an outage's start often explain it.
      drop(keepInBuffer(buffer, batch, maxLines), "kafka unreachable and the buffer full");
      backoffMs = Math.min(Math.max(backoffMs * 2, BACKOFF_MIN_MS), BACKOFF_MAX_MS);
      retryAt = Date.now() + backoffMs;
      if (!failing) {
        report(
          { err: error, brokers: options.brokers, buffered: buffer.length },
          "log shipping to Kafka failed: lines wait in the buffer and are retried",
        );
      }
      failing = true;
    } finally {
      inFlight = 0;
    }
  }

  function start() {
    timer = undefined;
    sending = send().finally(() => {
      sending = undefined;
      schedule();
    });
  }

  function schedule() {
    if (closed || sending || timer || buffer.length === 0) return;
    const delay = Math.max(buffer.length >= BATCH_LINES ? 0 : lingerMs, retryAt - Date.now());
    timer = setTimeout(start, delay);
    // A process that has nothing else to do may exit: close() is what delivers the rest.
    timer.unref();
  }

  async function flush(timeoutMs = options.closeTimeoutMs ?? 3_000) {
    const deadline = Date.now() + timeoutMs;
    while ((buffer.length > 0 || sending) && Date.now() < deadline) {
      if (!sending) {
        clearTimeout(timer);
        start();
      }
      await within(sending, deadline - Date.now());
    }
  }

  return {
    write(chunk) {
      if (closed) return true;
      for (const line of chunk.split("\n")) {
        if (!line) continue;
        if (buffer.length >= maxLines) drop(1, "buffer full");
        else if (line.length > MAX_LINE_BYTES / 4 && Buffer.byteLength(line) > MAX_LINE_BYTES) {
          drop(1, "a line larger than the largest shipped");
        } else buffer.push(line);
      }
      schedule();
      return true;
    },
    stats: () => ({ shipped, dropped, buffered: buffer.length }),
    flush,
    async close() {
      if (closed) return;
      await flush();
      closed = true;
      clearTimeout(timer);
      // What did not make it by the deadline, in flight or waiting, is dropped.
      if (sending) abandoned = true;
      dropped += inFlight + buffer.splice(0).length;
      if (dropped > 0) report({ shipped, dropped }, "log shipping stopped: some lines were dropped");
      await within(producer.disconnect(), 1_000);
    },
  };
}

/** Waits for `promise`, at most `ms`. */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, ms));
    }),
  ]);
  clearTimeout(timer);
}
