/**
 * The dead-letter topic (`shop.events.dlq`): what is in it and why, and putting events back.
 *
 * What was redriven is kept in Kafka itself, as the committed offsets of the consumer group
 * `shop-dlq-redrive` on the dead-letter topic: every record before a partition's committed offset is
 * done, and the offsets past it that were redriven one by one (`--id`) ride along in the commit's
 * metadata. So a record is redriven at most once however often `redrive` runs, and `list` can tell.
 */
import { classifyDeadLetter, createKafkaLog } from "@shop/platform";
import type { LogRecord, OutgoingRecord } from "@shop/runtime";
import type { Kafka } from "kafkajs";
import { ageOf, type LetterState, readRedriveStates, stateKey } from "./dlq-state.ts";
import { type EventView, viewRecord } from "./event-view.ts";
import { readToEnd } from "./kafka.ts";

/** The consumer group whose offsets record what was redriven. */
export const REDRIVE_GROUP = "shop-dlq-redrive";

/** Headers Knative adds when it dead-letters an event; a redriven record goes back without them. */
const ERROR_HEADERS = ["ce_knativeerrorcode", "ce_knativeerrordest", "ce_knativeerrordata"];

/** A dead-lettered event. */
export interface DeadLetter extends EventView {
  partition: number;
  offset: string;
  /** The HTTP status the subscriber answered last, if it answered. */
  errorCode?: string;
  /** The subscriber that could not take it (the Trigger's destination). */
  destination?: string;
  /** The subscriber's answer or the delivery error, decoded. */
  reason?: string;
  /** Already put back on the events topic by `redrive`. */
  redriven: boolean;
  /**
   * As the redrive function classifies it: transient (redriven automatically, with growing delays)
   * or malformed (stays dead).
   */
  kind: "transient" | "malformed";
  /** Why it is of its kind, in a sentence. */
  explanation: string;
  /**
   * What became of it: `waiting for redrive`, `redriven`, `exhausted` (transient, given up at the
   * horizon) or `dead` (malformed, or refused again when redriven).
   */
  state: string;
  /** How long ago redrive received it (else how old the event is), as 42s, 7m, 3h, 2d. */
  age: string;
  /** What redrive made of it, when its state could be read. */
  redrive?: LetterState;
  record: LogRecord;
}

/** Where the dead letters are. */
export interface DlqTopics {
  dlqTopic: string;
  eventsTopic: string;
  /** The group recording what was redriven (tests use their own). */
  group?: string;
}

type RedriveState = Map<number, { next: number; done: Set<number> }>;

async function redriveState(kafka: Kafka, topic: string, group: string): Promise<RedriveState> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map(
      (offsets?.partitions ?? []).map((p) => [
        p.partition,
        { next: Number(p.offset), done: new Set(parseDone(p.metadata)) },
      ]),
    );
  } finally {
    await admin.disconnect();
  }
}

function parseDone(metadata: string | null): number[] {
  try {
    const parsed = JSON.parse(metadata ?? "") as { redriven?: unknown };
    return Array.isArray(parsed.redriven) ? parsed.redriven.filter((n) => Number.isInteger(n)) : [];
  } catch {
    return [];
  }
}

function isRedriven(state: RedriveState, partition: number, offset: number): boolean {
  const p = state.get(partition);
  return p !== undefined && (offset < p.next || p.done.has(offset));
}

/**
 * Reads a dead-letter record: classified as the redrive function does, in the state redrive keeps
 * for it (`states`: unknown when absent), its age at `now`.
 */
export function viewDeadLetter(
  record: LogRecord,
  redriven: boolean,
  states?: Map<string, LetterState>,
  now = new Date(),
): DeadLetter {
  const data = record.headers.ce_knativeerrordata;
  const reason = data === undefined ? undefined : Buffer.from(data, "base64").toString("utf8");
  const view = viewRecord(record);
  const destination = record.headers.ce_knativeerrordest;
  const cloudEvent = record.headers.ce_specversion === "1.0" && Boolean(view.id);
  const { kind, reason: explanation } = classifyDeadLetter({
    cloudEvent,
    destination: destination ?? "",
    errorCode: record.headers.ce_knativeerrorcode,
    errorData: reason ?? "",
  });
  // redrive keys a record that was no CloudEvent by where the KafkaSource read it.
  const id = cloudEvent ? view.id! : `partition:${record.partition}/offset:${record.offset}`;
  const known = states?.get(stateKey(id, destination ?? ""));
  const state = redriven
    ? "redriven (shop dlq redrive)"
    : (known?.state ?? (kind === "transient" ? "waiting for redrive" : "dead"));
  return {
    ...view,
    partition: record.partition,
    offset: record.offset,
    errorCode: record.headers.ce_knativeerrorcode,
    destination,
    reason,
    redriven,
    kind,
    explanation,
    state: state === "waiting" ? "waiting for redrive" : state,
    age: ageOf(known?.receivedAt ?? (view.time ? new Date(view.time) : undefined), now),
    ...(known ? { redrive: known } : {}),
    record,
  };
}

/** Options of {@link listDeadLetters}. */
export interface ListOptions {
  /** The database redrive keeps its states in; without it, states are unknown. */
  databaseUrl?: string;
  /** Called with a sentence when redrive's states could not be read. */
  onUnknownStates?: (why: string) => void;
}

/**
 * Every record of the dead-letter topic, oldest first per partition, classified, in redrive's state
 * when it can be read, and marked when already redriven by `shop dlq redrive`.
 */
export async function listDeadLetters(
  kafka: Kafka,
  topics: DlqTopics,
  options: ListOptions = {},
): Promise<DeadLetter[]> {
  const offsets = await redriveState(kafka, topics.dlqTopic, topics.group ?? REDRIVE_GROUP);
  const records: LogRecord[] = [];
  await readToEnd(kafka, topics.dlqTopic, { onBatch: async (_, batch) => void records.push(...batch) });
  let states: Map<string, LetterState> | undefined;
  if (options.databaseUrl && records.length > 0) {
    const ids = records.map((r) => r.headers.ce_id ?? `partition:${r.partition}/offset:${r.offset}`);
    const read = await readRedriveStates(options.databaseUrl, ids);
    if (typeof read === "string") options.onUnknownStates?.(read);
    else states = read;
  }
  return records
    .map((r) => viewDeadLetter(r, isRedriven(offsets, r.partition, Number(r.offset)), states))
    .sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

/** The original event of a dead-letter record: the same key, data and attributes, no error headers. */
export function originalRecord(record: LogRecord): OutgoingRecord {
  const headers = Object.fromEntries(
    Object.entries(record.headers).filter(([name]) => !ERROR_HEADERS.includes(name)),
  );
  return { key: record.key, value: record.value, headers };
}

/** Which dead letters to redrive: all that are not yet, or those with these CloudEvent ids. */
export type Selection = { all: true } | { ids: string[] };

/**
 * Publishes the selected dead letters not yet redriven back to the events topic (every Trigger of
 * their type sees them again; consumers that already took one ignore it by its id) and records them
 * as redriven. Returns what it redrove.
 */
export async function redrive(
  kafka: Kafka,
  brokers: string[],
  topics: DlqTopics,
  selection: Selection,
): Promise<DeadLetter[]> {
  const group = topics.group ?? REDRIVE_GROUP;
  const state = await redriveState(kafka, topics.dlqTopic, group);
  const log = createKafkaLog({ brokers, clientId: "shop-dlq-redrive", logger: quietLogger });
  const redriven: DeadLetter[] = [];
  const seen = new Set<number>();
  try {
    await readToEnd(kafka, topics.dlqTopic, {
      groupId: group,
      onBatch: async (partition, records, consumer) => {
        const p = state.get(partition) ?? { next: -1, done: new Set<number>() };
        state.set(partition, p);
        if (!seen.has(partition)) {
          // The group's offset, or the first record still in the partition if retention removed older ones.
          p.next = Math.max(p.next, Number(records[0]!.offset));
          seen.add(partition);
        }
        const chosen = records.filter(
          (r) =>
            !isRedriven(state, partition, Number(r.offset)) &&
            ("all" in selection || selection.ids.includes(r.headers.ce_id ?? "")),
        );
        if (chosen.length === 0) return;
        // Publish first, then record: a crash between the two redrives again, which consumers absorb.
        await log.publish(topics.eventsTopic, chosen.map(originalRecord));
        for (const record of chosen) {
          p.done.add(Number(record.offset));
          redriven.push(viewDeadLetter(record, true));
        }
        while (p.done.delete(p.next)) p.next++;
        for (const offset of p.done) if (offset < p.next) p.done.delete(offset);
        await consumer.commitOffsets([
          {
            topic: topics.dlqTopic,
            partition,
            offset: String(p.next),
            metadata: JSON.stringify({ redriven: [...p.done].sort((a, b) => a - b) }),
          },
        ]);
      },
    });
  } finally {
    await log.close();
  }
  return redriven;
}

const quietLogger = {
  info() {},
  warn() {},
  error: (obj: object, msg: string) => console.error(msg, obj),
};
