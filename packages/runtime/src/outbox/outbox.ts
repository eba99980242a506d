/**
 * Writing events: a verb emits into the outbox inside its transaction, so an event exists exactly
 * when the state change it describes was committed.
 */

import { randomUUID } from "node:crypto";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Db } from "../db/database.ts";
import type { OutboxTable } from "../db/tables.ts";
import { toCloudEvent, toKafkaRecord } from "../events/codec.ts";
import { orderIdOf, tagOrder } from "../tracing/spans.ts";
import type { TraceHeaders } from "../tracing/traceparent.ts";

/**
 * Emits one event of `schema`, keyed by its aggregate id, into the current transaction's outbox.
 * `trace` gives the event a trace context of its own instead of the transaction's (a reconciler's
 * re-ask that joins the trace of the order it asks about).
 */
export type Emit = <Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options: { key: string; trace?: TraceHeaders },
) => Promise<void>;

/** A unit of work: the transaction a verb writes in, and the outbox it emits into. */
export interface Tx {
  db: Db;
  emit: Emit;
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

/**
 * Builds the `emit` of one transaction. `trace` is the transaction's trace context, stored with each
 * row; `traced` says a span is recording, which learns the order of each event emitted.
 */
export function outboxEmitter(
  db: Db,
  outbox: OutboxTable,
  source: string,
  trace?: TraceHeaders,
  traced = false,
): Emit {
  const pending = emittedHere(outbox);
  return async (schema, message, { key, trace: own }) => {
    const context = own ?? trace;
    const event = toCloudEvent(schema, message, { source, key, id: randomUUID(), ...context });
    if (traced) {
      const orderId = orderIdOf(event.type, key);
      if (orderId) tagOrder(orderId);
    }
    const record = toKafkaRecord(event);
    await db.insert(outbox).values({
      id: event.id,
      type: event.type,
      key,
      headers: record.headers,
      data: record.value,
      traceParent: context?.traceparent ?? null,
      traceState: context?.tracestate ?? null,
    });
    pending.set(event.id, Date.now());
  };
}
