/**
 * Writing events: a verb emits into the outbox inside its transaction, so an event exists exactly
 * when the state change it describes was committed.
 */

import { randomUUID } from "node:crypto";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Db } from "../db/database.ts";
import type { OutboxTable } from "../db/tables.ts";
import { toCloudEvent, toKafkaRecord } from "../events/codec.ts";

/** Emits one event of `schema`, keyed by its aggregate id, into the current transaction's outbox. */
export type Emit = <Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options: { key: string },
) => Promise<void>;

/**
 * Emits many events of one `schema` into the current transaction's outbox with one multi-row INSERT:
 * for set-based verbs (the reconciler), whose cost must not grow by one round trip per event.
 */
export type EmitAll = <Desc extends DescMessage>(
  schema: Desc,
  events: { message: MessageShape<Desc>; key: string }[],
) => Promise<void>;

/** A unit of work: the transaction a verb writes in, and the outbox it emits into. */
export interface Tx {
  db: Db;
  emit: Emit;
  emitAll: EmitAll;
  /**
   * Runs `fn` once the transaction has committed, never if it rolls back: for what must only see
   * committed state, like waking a watcher or dropping a cache.
   */
  afterCommit(fn: () => void): void;
}

/**
 * Ids of the events emitted in this process per outbox, with when, until its relay published them:
 * after a commit the relay publishes just these rows (committed or not, rolled back or not, only the
 * database knows) without scanning and locking the whole outbox.
 */
const emitted = new WeakMap<OutboxTable, Map<string, number>>();

/** The ids emitted into `outbox` in this process and not published by its relay yet, with when. */
export function emittedHere(outbox: OutboxTable): Map<string, number> {
  let ids = emitted.get(outbox);
  if (!ids) {
    ids = new Map();
    emitted.set(outbox, ids);
  }
  return ids;
}

/** Builds the `emit` and `emitAll` of one transaction. */
export function outboxEmitter(
  db: Db,
  outbox: OutboxTable,
  source: string,
  traceparent?: string,
): { emit: Emit; emitAll: EmitAll } {
  const pending = emittedHere(outbox);
  const emitAll: EmitAll = async (schema, events) => {
    if (events.length === 0) return;
    const rows = events.map(({ message, key }) => {
      const event = toCloudEvent(schema, message, {
        source,
        key,
        id: randomUUID(),
        ...(traceparent ? { traceparent } : {}),
      });
      const record = toKafkaRecord(event);
      return { id: event.id, type: event.type, key, headers: record.headers, data: record.value };
    });
    await db.insert(outbox).values(rows);
    const now = Date.now();
    for (const row of rows) pending.set(row.id, now);
  };
  return { emit: (schema, message, { key }) => emitAll(schema, [{ message, key }]), emitAll };
}
