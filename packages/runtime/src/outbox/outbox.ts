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
import type { OutboxRow } from "./producer-spans.ts";

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

/**
 * Emits many events of one `schema` into the current transaction's outbox with one multi-row INSERT:
 * for set-based verbs (the reconciler), whose cost must not grow by one round trip per event.
 */
export type EmitAll = <Desc extends DescMessage>(
  schema: Desc,
  events: { message: MessageShape<Desc>; key: string; trace?: TraceHeaders }[],
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
  /**
   * The per-order locks (`lockOrder`) this transaction holds: asked for again, one costs no statement.
   * Undefined outside a transaction (an autocommit handler), where no lock outlives its statement.
   */
  locks?: Set<string>;
}

/**
 * Builds the `emit` and `emitAll` of one transaction. `trace` is the transaction's trace context, stored
 * with each row (an event may bring its own); `traced` says a span is recording, which learns the order
 * of each event emitted. The rows are written by `flush`, all in one INSERT (in the order emitted),
 * which the transaction runs after its work and before COMMIT: a verb that emits several events
 * (inventory's StockReserved and a StockChanged per product) costs one statement, not one per emit.
 * Nothing in a transaction reads its own outbox, and the rows commit with its other writes as before.
 */
export function outboxEmitter(
  db: Db,
  outbox: OutboxTable,
  source: string,
  trace?: TraceHeaders,
  traced = false,
): { emit: Emit; emitAll: EmitAll; flush: () => Promise<void>; rows: OutboxRow[] } {
  // What this transaction wrote, for the relay to publish as is once it committed (no read back).
  const written: OutboxRow[] = [];
  // Emitted, not inserted yet: `flush` writes them.
  let pending: OutboxRow[] = [];
  let flushed = false;
  const emitAll: EmitAll = async (schema, events) => {
    // After the flush the INSERT has run: an event emitted now would never be written.
    if (flushed) throw new Error("emitted after its transaction's work was done: await every emit inside it");
    if (events.length === 0) return;
    const rows = events.map(({ message, key, trace: own }) => {
      const context = own ?? trace;
      const event = toCloudEvent(schema, message, { source, key, id: randomUUID(), ...context });
      if (traced) {
        const orderId = orderIdOf(event.type, key);
        if (orderId) tagOrder(orderId);
      }
      const record = toKafkaRecord(event);
      return {
        id: event.id,
        type: event.type,
        key,
        headers: record.headers,
        data: record.value,
        traceParent: context?.traceparent ?? null,
        traceState: context?.tracestate ?? null,
      };
    });
    pending.push(...rows);
  };
  return {
    emit: (schema, message, { key, trace: own }) =>
      emitAll(schema, [{ message, key, ...(own ? { trace: own } : {}) }]),
    emitAll,
    async flush() {
      flushed = true;
      if (pending.length === 0) return;
      const rows = pending;
      pending = [];
      await db.insert(outbox).values(rows);
      written.push(...rows);
    },
    rows: written,
  };
}
