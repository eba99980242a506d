/**
 * `App.transaction`: one database transaction with an outbox, the relay kicked after commit; with
 * tracing on, a span around it (drizzle and postgres.js have no instrumentation of their own, and the
 * bundle defeats monkey-patching), whose context is stored with every event it emits.
 */
import { context, SpanKind, type Tracer, trace } from "@opentelemetry/api";
import type { App } from "./app.ts";
import type { Database, Db } from "./db/database.ts";
import type { OutboxTable } from "./db/tables.ts";
import type { Logger } from "./logger.ts";
import { outboxEmitter, type Tx } from "./outbox/outbox.ts";
import type { OutboxRow } from "./outbox/producer-spans.ts";
import type { Relay } from "./outbox/relay.ts";
import { inSpan } from "./tracing/spans.ts";
import { contextFromHeaders, headersOfContext, type TraceHeaders } from "./tracing/traceparent.ts";

export interface TransactionsOptions {
  definition: { name: string; outbox: OutboxTable };
  database: Database;
  relay: Relay;
  logger: Logger;
  publishAfterCommit: boolean;
  tracer: Tracer | undefined;
}

/** Builds `App.transaction` of a function. */
export function transactions(options: TransactionsOptions): App["transaction"] {
  const { definition, database, relay, logger, publishAfterCommit, tracer } = options;
  const source = `/functions/${definition.name}`;
  const attributes = {
    "db.system.name": "postgresql",
    "db.namespace": definition.name,
    "db.operation.name": "TRANSACTION",
  };

  async function run<T>(fn: Parameters<App["transaction"]>[0], headers?: TraceHeaders, traced = false) {
    const committed: (() => void)[] = [];
    let written: OutboxRow[] = [];
    let result: unknown;
    try {
      result = await database.db.transaction(async (db) => {
        const { emit, emitAll, flush, rows } = outboxEmitter(
          db as unknown as Db,
          definition.outbox,
          source,
          headers,
          traced,
        );
        // A retried transaction starts over: only the rows of the attempt that committed count.
        written = rows;
        const value = await fn({
          db: db as unknown as Db,
          emit,
          emitAll,
          afterCommit: (callback) => void committed.push(callback),
          locks: new Set(),
        });
        // The events emitted, in one INSERT before COMMIT.
        await flush();
        return value;
      });
    } catch (error) {
      // A COMMIT whose answer was lost may have committed rows no kick hands over: the relay's timer
      // then looks for them at its short period (an ordinary rollback costs one needless sweep).
      if (written.length > 0 && publishAfterCommit) relay.suspect();
      throw error;
    }
    if (written.length > 0 && publishAfterCommit) relay.kick(written);
    runAfterCommit(committed, logger);
    return result as T;
  }

  return async (fn, traceparent) => {
    // Tracing off: the given context passes through to the events unchanged.
    if (!tracer) return run(fn, traceparent ? { traceparent } : undefined);
    // The span of the work in hand is the parent; the given context only when there is none.
    const active = context.active();
    const parent = trace.getSpan(active) ? active : contextFromHeaders(traceparent, undefined, active);
    return inSpan(
      tracer,
      `transaction ${definition.name}`,
      { kind: SpanKind.CLIENT, attributes },
      parent,
      (span) => run(fn, headersOfContext(), span.isRecording()),
    );
  };
}

/**
 * Runs an `autocommit` subscription's handler without a transaction: each statement commits by
 * itself (the handler issues one at most), after-commit callbacks run once it is done, and `emit`
 * throws: events need the outbox's transaction.
 */
export function autocommitting(database: Database, logger: Logger) {
  const refuse = async () => {
    throw new Error("an autocommit handler emits nothing: events need a transaction (drop autocommit)");
  };
  return async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const committed: (() => void)[] = [];
    const result = await fn({
      db: database.db,
      emit: refuse,
      emitAll: refuse,
      afterCommit: (callback) => void committed.push(callback),
    });
    runAfterCommit(committed, logger);
    return result;
  };
}

/** Runs what waited for the commit, each on its own: one that throws is logged, the others still run. */
function runAfterCommit(callbacks: (() => void)[], logger: Logger): void {
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      logger.error({ err: error }, "an after-commit callback failed");
    }
  }
}
