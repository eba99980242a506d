/**
 * A function's own log shipping, as startFunction sets it up: the sink its logger writes to, and
 * where the sink reports its troubles (that same logger, created after the sink).
 */
import type { Logger } from "pino";
import { createKafkaLogSink, type KafkaLogSink } from "./kafka-sink.ts";
import type { LogShipping } from "./settings.ts";

/** The shipping of one function's logs. */
export interface ShippedLogs {
  topic: string;
  sink: KafkaLogSink;
  /** Sends the sink's reports (failing, dropping) to `logger`. */
  reportTo(logger: Logger): void;
}

/** Ships the log lines of function `name` as `settings` say; undefined when they say nothing. */
export function shipLogs(name: string, settings: LogShipping | undefined): ShippedLogs | undefined {
  if (!settings) return undefined;
  let logger: Logger | undefined;
  const sink = createKafkaLogSink({
    ...settings,
    key: name,
    report: (fields, message) => logger?.warn(fields, message),
  });
  return {
    topic: settings.topic,
    sink,
    reportTo(to) {
      logger = to;
    },
  };
}
