/**
 * `shop dlq list` and `shop dlq redrive`: the events no subscriber could take, why, what the redrive
 * function is doing about them (it redrives transient ones by itself, keeps malformed ones dead), and
 * putting them back on the events topic by hand once a cause is fixed. Kafka only (KAFKA_BROKERS or
 * --brokers): the embedded shop keeps its dead letters in memory and prints each one as it happens.
 */
import { parseArgs } from "node:util";
import { type DeadLetter, listDeadLetters, REDRIVE_GROUP, redrive } from "./dead-letters.ts";
import { brokersFrom, kafkaClient } from "./kafka.ts";

export const DLQ_USAGE = `usage: shop dlq list [--all] [--json] [--database URL]
       shop dlq redrive (--id ID... | --all)
  common: [--brokers B] [--dlq-topic shop.events.dlq] [--topic shop.events] [--group ${REDRIVE_GROUP}]

  list      the dead-lettered events not yet redriven (--all: with those already redriven), each with
            its kind (transient: the redrive function redrives it with growing delays; malformed:
            it stays dead), its state, its age and why
  redrive   re-publishes the original events (without Knative's error headers) to the events topic,
            each at most once: what was redriven is recorded as the offsets of the group --group
  --brokers Kafka brokers (default: KAFKA_BROKERS); topics default to SHOP_DLQ_TOPIC / SHOP_EVENTS_TOPIC
  --database the Postgres of the redrive function, for the states (default: DATABASE_URL)`;

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
      database: { type: "string", default: process.env.DATABASE_URL },
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
    const notes: string[] = [];
    if (!values.database) {
      notes.push("states of transient letters unknown: set DATABASE_URL or --database (redrive's Postgres)");
    }
    const letters = (
      await listDeadLetters(kafka, topics, {
        ...(values.database ? { databaseUrl: values.database } : {}),
        onUnknownStates: (why) => notes.push(why),
      })
    ).filter((l) => values.all || !(l.redriven || l.state === "redriven"));
    if (values.json) {
      for (const { record: _, ...letter } of letters) console.log(JSON.stringify(letter));
    } else {
      console.log(
        letters.length
          ? formatTable(letters)
          : `no dead letters${values.all ? "" : " waiting"} in ${topics.dlqTopic}`,
      );
      if (letters.some((l) => l.kind === "transient")) for (const note of notes) console.error(note);
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

/** Dead letters as an aligned table: kind, state, age and why. */
export function formatTable(letters: DeadLetter[]): string {
  const rows = letters.map((l) => [
    l.id ?? "-",
    l.type ?? "-",
    l.destination ?? "-",
    l.errorCode ?? "-",
    `${l.partition}:${l.offset}`,
    l.kind,
    stateOf(l),
    l.age,
    oneLine(l.redrive?.lastError ? `${l.explanation}; ${l.redrive.lastError}` : l.explanation),
  ]);
  const header = ["ID", "TYPE", "DESTINATION", "CODE", "AT", "KIND", "STATE", "AGE", "REASON"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "))
    .join("\n");
}

/** The state, with redrive's count and next time where it keeps them. */
function stateOf(letter: DeadLetter): string {
  const redrive = letter.redrive;
  if (!redrive || letter.redriven) return letter.state;
  const next = redrive.nextAttemptAt ? `, next ${redrive.nextAttemptAt.toISOString().slice(11, 19)}Z` : "";
  return redrive.attempts > 0 || next ? `${letter.state} (${redrive.attempts} tried${next})` : letter.state;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
