/**
 * What both logs do when a handler throws: hand the same record to it again after a growing pause,
 * without moving past it, until it succeeds or the subscription stops.
 */
import type { LogRecord, RecordHandler } from "./event-log.ts";

/** The pino-shaped logger the logs report to (pino's `logger` fits). */
export interface LogLogger {
  debug?(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Pauses between redeliveries of a failing record: doubles from the first to the cap. */
export interface RedeliveryBackoff {
  firstMs: number;
  maxMs: number;
}

/** The default redelivery backoff: 100 ms doubling up to 5 s. */
export const defaultRedeliveryBackoff: RedeliveryBackoff = { firstMs: 100, maxMs: 5_000 };

/**
 * Calls `handler` with `record` until it resolves (true) or `stopped` says the subscription is
 * going away (false: the record was not handled and must not be committed).
 * `wait(ms)` pauses between attempts and may return early when the subscription stops.
 */
export async function handleUntilDone(
  record: LogRecord,
  handler: RecordHandler,
  options: {
    groupId: string;
    stopped: () => boolean;
    wait: (ms: number) => Promise<void>;
    backoff: RedeliveryBackoff;
    logger?: LogLogger;
  },
): Promise<boolean> {
  let delay = options.backoff.firstMs;
  for (let attempt = 1; ; attempt++) {
    if (options.stopped()) return false;
    try {
      await handler(record);
      return true;
    } catch (error) {
      options.logger?.warn(
        {
          err: error,
          groupId: options.groupId,
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          attempt,
        },
        "record handler failed; the record will be delivered again",
      );
    }
    await options.wait(delay);
    delay = Math.min(delay * 2, options.backoff.maxMs);
  }
}
