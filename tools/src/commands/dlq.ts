/**
 * `shop dlq list` and `shop dlq redrive`: the events no subscriber could take, why, and putting them
 * back on the events topic once the cause is fixed. Kafka only (KAFKA_BROKERS or --brokers): the
 * embedded shop keeps its dead letters in memory and prints each one as it happens.
 */
import { parseArgs } from "node:util";
import { type DeadLetter, listDeadLetters, REDRIVE_GROUP, redrive } from "./dead-letters.ts";
import { brokersFrom, kafkaClient } from "./kafka.ts";

export const DLQ_USAGE = `usage: shop dlq list [--all] [--json]
       shop dlq redrive (--id ID... | --all)
  common: [--brokers B] [--dlq-topic shop.events.dlq] [--topic shop.events] [--group ${REDRIVE_GROUP}]

  list      the dead-lettered events not yet redriven (--all: with those already redriven)
  redrive   re-publishes the original events (without Knative's error headers) to the events topic,
            each at most once: what was redriven is recorded as the offsets of the group --group
  --brokers Kafka brokers (default: KAFKA_BROKERS); topics default to SHOP_DLQ_TOPIC / SHOP_EVENTS_TOPIC`;

/** Runs `shop dlq <args>`. */
export async function dlqCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== "list" && sub !== "redrive") {
    console.error(DLQ_USAGE);
    process.exitCode = 2;
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      all: { type: "boolean" },
      id: { type: "string", multiple: true },
      json: { type: "boolean" },
      brokers: { type: "string" },
      "dlq-topic": { type: "string", default: process.env.SHOP_DLQ_TOPIC ?? "shop.events.dlq" },
      topic: { type: "string", default: process.env.SHOP_EVENTS_TOPIC ?? "shop.events" },
      group: { type: "string", default: REDRIVE_GROUP },
    },
  });
  const brokers = brokersFrom(values.brokers);
  if (!brokers) {
    console.error(
      "shop dlq needs Kafka: set KAFKA_BROKERS or pass --brokers (the embedded shop logs dead letters as they happen)",
    );
    process.exitCode = 2;
    return;
  }
  const kafka = kafkaClient(brokers);
  const topics = { dlqTopic: values["dlq-topic"], eventsTopic: values.topic, group: values.group };
  if (sub === "list") {
    const letters = (await listDeadLetters(kafka, topics)).filter((l) => values.all || !l.redriven);
    if (values.json) {
      for (const { record: _, ...letter } of letters) console.log(JSON.stringify(letter));
    } else {
      console.log(
        letters.length
          ? formatTable(letters)
          : `no dead letters${values.all ? "" : " waiting"} in ${topics.dlqTopic}`,
      );
    }
    return;
  }
  if (!values.all && !values.id?.length) {
    console.error("shop dlq redrive needs --id ID (repeatable) or --all");
    process.exitCode = 2;
    return;
  }
  const done = await redrive(kafka, brokers, topics, values.all ? { all: true } : { ids: values.id ?? [] });
  for (const letter of done) console.log(`redriven ${letter.id} ${letter.type} → ${topics.eventsTopic}`);
  const missing = (values.id ?? []).filter((id) => !done.some((l) => l.id === id));
  for (const id of missing)
    console.error(`not redriven: no dead letter ${id} waiting (unknown, or redriven already)`);
  if (done.length === 0 && values.all) console.log(`nothing to redrive in ${topics.dlqTopic}`);
  if (missing.length > 0) process.exitCode = 1;
}

/** Dead letters as an aligned table with the decoded reason. */
export function formatTable(letters: DeadLetter[]): string {
  const rows = letters.map((l) => [
    l.id ?? "-",
    l.type ?? "-",
    l.destination ?? "-",
    l.errorCode ?? "-",
    `${l.partition}:${l.offset}`,
    l.redriven ? "redriven" : "dead",
    oneLine(l.reason ?? l.problem ?? ""),
  ]);
  const header = ["ID", "TYPE", "DESTINATION", "CODE", "AT", "STATE", "REASON"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "))
    .join("\n");
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
