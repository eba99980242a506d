/**
 * What becomes of a record whose delivery failed for good, as Knative's broker does it: published to
 * the dead-letter topic (a KafkaSink), POSTed to a dead letter sink, or, with neither, dropped and
 * logged.
 */
import type { EventLog, LogLogger, LogRecord } from "@shop/runtime";
import { type DeliveryToken, post, recordToEvent } from "./delivery.ts";

/** Where a Trigger's (or KafkaSource's) dead letters go: a topic, a URL, or nowhere. */
export type DeadLetterDestination = { topic: string } | { url: string } | undefined;

/** What every dead-lettering of one runner shares. */
export interface DeadLetterContext {
  log: EventLog;
  logger: LogLogger | undefined;
  /** Aborts when the runner stops. */
  signal: AbortSignal;
}

/** One Trigger's (or source's) dead lettering: its destination, the subscriber it failed, for the log. */
export interface DeadLetterTarget {
  dlq: DeadLetterDestination;
  url: string;
  timeoutMs: number;
  where: object;
  token: DeliveryToken | undefined;
}

/** Dead-letters a record whose delivery to `target.url` failed, with Knative's error headers. */
export function deadLetterer(context: DeadLetterContext, target: DeadLetterTarget) {
  const { log, logger, signal } = context;
  const { dlq, url, timeoutMs, where, token } = target;
  return async (record: LogRecord, errorHeaders: Record<string, string>) => {
    const headers = { ...record.headers, ...errorHeaders, ce_knativeerrordest: url };
    if (!dlq) {
      logger?.error({ ...where, ...headers }, "event dropped: delivery failed and no dead letter sink");
    } else if ("topic" in dlq) {
      await log.publish(dlq.topic, [{ key: record.key, value: record.value, headers }]);
      logger?.warn({ ...where, ...headers, dlq: dlq.topic }, "event dead-lettered");
    } else {
      const event = recordToEvent({ ...record, headers });
      const sent = "invalid" in event ? undefined : await post(dlq.url, event, timeoutMs, signal, token);
      // A dead letter sink that refuses too must not lose the event: fail, and the log hands it over again.
      if (!sent?.delivered) throw new Error(`dead letter sink ${dlq.url} refused the event`);
    }
  };
}
