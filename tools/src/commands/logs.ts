/**
 * `shop logs tail`: follows the log lines every function ships to Kafka (`shop.logs`: the runtime in
 * local real mode, the OpenTelemetry Collector in the cluster), in one stream, filtered.
 */
import { parseArgs } from "node:util";
import { DEFAULT_LOGS_TOPIC } from "@shop/runtime";
import { interrupted, tailKafka } from "./events.ts";
import { brokersFrom } from "./kafka.ts";
import { formatLog, type LogFilter, parseLevel, parseLogLine, passesLog } from "./log-view.ts";

export const LOGS_USAGE = `usage: shop logs tail [--function F]... [--level L] [--order ID] [--trace ID]
                      [--from-beginning] [--json] [--brokers B] [--topic shop.logs]

  --function F      only lines of function F (repeatable)
  --level L         only lines at level L or above (trace, debug, info, warn, error, fatal)
  --order ID        only lines about order ID (an orderId/order_id field, or the message naming it)
  --trace ID        only lines of trace ID (their trace_id)
  --from-beginning  start at the oldest line instead of new ones
  --json            the lines as shipped (JSON) instead of the readable form
  --brokers B       Kafka brokers (default: KAFKA_BROKERS)
  --topic T         the logs topic (default: SHOP_LOGS_TOPIC or ${DEFAULT_LOGS_TOPIC})`;

/** Where `logsCommand` writes (tests read it); stdout by default. */
export interface LogsOutput {
  signal?: AbortSignal;
  write?: (text: string) => void;
  color?: boolean;
}

/** Runs `shop logs <args>`. Resolves when the tail is stopped (Ctrl-C or `signal`). */
export async function logsCommand(args: string[], output: LogsOutput = {}): Promise<void> {
  const [sub, ...rest] = args;
  const options = sub === "tail" ? readOptions(rest) : undefined;
  if (!options) {
    console.error(LOGS_USAGE);
    process.exitCode = 2;
    return;
  }
  const { filter, json, brokers, topic, fromBeginning } = options;
  const write = output.write ?? ((text: string) => void process.stdout.write(text));
  const color = output.color ?? (!json && process.stdout.isTTY);
  await tailKafka(
    brokers,
    topic,
    fromBeginning,
    (record) => {
      const line = Buffer.from(record.value).toString("utf8");
      const entry = parseLogLine(line);
      if (entry && passesLog(entry, filter)) write(`${formatLog(line, json, color)}\n`);
    },
    output.signal ?? interrupted(),
    "shop-logs-tail",
  );
}

/** The options of `logs tail`; undefined (after saying why) when they are wrong. */
function readOptions(args: string[]) {
  try {
    const { values } = parseArgs({
      args,
      options: {
        function: { type: "string", multiple: true },
        level: { type: "string" },
        order: { type: "string" },
        trace: { type: "string" },
        "from-beginning": { type: "boolean" },
        json: { type: "boolean" },
        brokers: { type: "string" },
        topic: { type: "string", default: process.env.SHOP_LOGS_TOPIC ?? DEFAULT_LOGS_TOPIC },
      },
    });
    const brokers = brokersFrom(values.brokers);
    if (!brokers) {
      throw new Error(
        "no Kafka: set KAFKA_BROKERS or --brokers (the embedded shop writes its logs to stdout only)",
      );
    }
    const filter: LogFilter = {
      functions: values.function,
      level: values.level === undefined ? undefined : parseLevel(values.level),
      order: values.order,
      trace: values.trace,
    };
    return {
      filter,
      brokers,
      json: Boolean(values.json),
      topic: values.topic,
      fromBeginning: Boolean(values["from-beginning"]),
    };
  } catch (error) {
    console.error(`shop logs: ${(error as Error).message}`);
    return undefined;
  }
}
