/**
 * Subscriptions: the one list of event types a function consumes, each with its handler, and the
 * dispatcher that runs a handler idempotently in one transaction with its effects and its events.
 */
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Tracer } from "@opentelemetry/api";
import { and, eq, sql } from "drizzle-orm";
import { orderLock, orderLockKey } from "../db/order-guard.ts";
import type { ProcessedEventsTable } from "../db/tables.ts";
import { DomainError, isTransient } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Tx } from "../outbox/outbox.ts";
import { decodeEvent, MalformedEventError, type ShopCloudEvent } from "./codec.ts";
import { traceConsumer } from "./consumer-span.ts";

/**
 * What a handler gets besides its message: the transaction and its outbox, the event itself and the
 * function's dependencies as its `setup` built them.
 */
export interface EventContext<Deps = unknown> extends Tx {
  event: ShopCloudEvent;
  deps: Deps;
  logger: Logger;
}

/**
 * Handles one event type; its effects and emitted events commit together with the processed record.
 * A handler of an `idempotent` subscription returns false when the event changed nothing (see
 * {@link SubscriptionOptions}); other handlers' results are not read.
 */
export type EventHandler<Desc extends DescMessage, Deps = unknown> = (
  message: MessageShape<Desc>,
  context: EventContext<Deps>,
) => Promise<void> | Promise<boolean>;

/**
 * Handles an event of a type no subscription names, undecoded (a function that takes every event,
 * whatever its type: a dead-letter redriver). It runs in a transaction like any handler but records
 * no processed event: it deduplicates by what it stores itself.
 */
export type OtherEventHandler<Deps = unknown> = (context: EventContext<Deps>) => Promise<void>;

/** How a subscription tells a redelivered event from a new one. */
export interface SubscriptionOptions {
  /**
   * The handler itself makes a redelivery change nothing: a versioned upsert that stores only a newer
   * version, a merge whose rules are commutative and idempotent, or a first write that is unique per
   * event (source, id). Then the dispatcher writes no processed-event row for it: one statement less
   * per delivery, and no row to keep. The handler returns false when the event changed nothing
   * (answered "duplicate"); anything else is "handled". Default false: a processed-event row first.
   */
  idempotent?: boolean;
  /**
   * With `idempotent`: the handler writes with one statement at most and emits nothing (a projection's
   * versioned upsert, analytics' merge), so it runs without a transaction of its own: its statement
   * commits by itself, as atomic as in a transaction, and the delivery saves the BEGIN and COMMIT
   * round trips (and, when the handler writes nothing, the commit). Its `emit` throws.
   */
  autocommit?: boolean;
  /**
   * Not with `idempotent`: the handler's first statement would be `lockOrder(tx, <this function>,
   * <the event's aggregate id, field 1>)` (a saga participant's per-order lock). The dispatcher takes
   * that lock in the statement that writes the processed-event record, once the record is written
   * (a duplicate takes no lock), and the handler's own lockOrder then costs nothing: one round trip
   * less per delivery, the record and the lock taken in the same order as before.
   */
  lockOrder?: boolean;
}

/** What `on` takes: the options, and which messages of the type concern the function at all. */
export interface OnOptions<Desc extends DescMessage> extends SubscriptionOptions {
  /**
   * False for a message that asks nothing of this function (an order placed without a cart, one that
   * ships nothing): it is answered "ignored" once decoded, before any transaction, so it costs no
   * BEGIN and COMMIT. Decided from the message alone; the handler still checks what the database says.
   */
  when?: (message: MessageShape<Desc>) => boolean;
}

/** One consumed event type and its handler. */
export interface EventSubscription<Deps = unknown, Desc extends DescMessage = DescMessage>
  extends SubscriptionOptions {
  schema: Desc;
  handler: EventHandler<Desc, Deps>;
  /** See {@link OnOptions.when}. */
  when?: (message: MessageShape<Desc>) => boolean;
}

/** Subscribes `handler` to the events of `schema` (`type` = the message's full name). */
export function on<Desc extends DescMessage, Deps = unknown>(
  schema: Desc,
  handler: EventHandler<Desc, Deps>,
  options: OnOptions<Desc> = {},
): EventSubscription<Deps> {
  // Without its own record, the processed-event row and the handler's writes would commit apart.
  if (options.autocommit && !options.idempotent) {
    throw new Error(`${schema.typeName}: an autocommit subscription must be idempotent`);
  }
  // The lock rides on the processed-event record, which an idempotent subscription does not write.
  if (options.lockOrder && options.idempotent) {
    throw new Error(`${schema.typeName}: lockOrder needs the processed-event record (drop idempotent)`);
  }
  return {
    schema,
    handler: handler as EventHandler<DescMessage, Deps>,
    ...(options.idempotent ? { idempotent: true } : {}),
    ...(options.autocommit ? { autocommit: true } : {}),
    ...(options.lockOrder ? { lockOrder: true } : {}),
    ...(options.when ? { when: options.when as (message: MessageShape<DescMessage>) => boolean } : {}),
  };
}

/**
 * Thrown by a handler that must keep what it wrote although the delivery is to be retried: an outcome
 * it could not learn and must not forget (a charge whose answer was lost, recorded as unknown for a
 * reconciler to resolve). The dispatcher commits the handler's writes (and any events it emitted)
 * without recording the event as processed, then answers with `error`: a transient one is a 5xx, so
 * the broker redelivers the event, and the redelivery is handled, not a duplicate.
 */
export class RedeliverAfterCommit extends Error {
  override name = "RedeliverAfterCommit";
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

/** The source a Shop event type must come from: events are declared in their producer's package. */
export function expectedSource(typeName: string): string {
  return `/functions/${typeName.split(".")[1]}`;
}

/**
 * Event types every function may emit, declared in the package of their consumer instead: the audit
 * trail's AdminActionRecorded, which each function's admin verbs emit (recordAdminAction).
 */
export const ANY_FUNCTION_TYPES: ReadonlySet<string> = new Set(["shop.audit.v1.AdminActionRecorded"]);

/** Whether an event of `typeName` may come from `source`. */
export function sourceAllowed(typeName: string, source: string): boolean {
  if (ANY_FUNCTION_TYPES.has(typeName)) return /^\/functions\/[a-z][a-z0-9-]*$/.test(source);
  return source === expectedSource(typeName);
}

/**
 * The type of the PingSource tick: it asks a function to sweep its outbox and to run its periodic
 * work (`onTick`: reconcilers, retention).
 */
export const PING_TYPE = "dev.knative.sources.ping";

/**
 * Records `event` as processed in `table`, once: false when it already was (a redelivery). The
 * dispatcher does it for every subscription that is not `idempotent`; a handler that keeps its own
 * record (orders' history) calls it for the events that record cannot hold.
 */
export async function recordProcessed(
  tx: Pick<Tx, "db">,
  table: ProcessedEventsTable,
  event: Pick<ShopCloudEvent, "source" | "id" | "type">,
): Promise<boolean> {
  const inserted = await tx.db
    .insert(table)
    .values({ source: event.source, id: event.id, type: event.type })
    .onConflictDoNothing()
    .returning({ id: table.id });
  return inserted.length > 0;
}

/**
 * recordProcessed, and then, only if the record is new, `scope`'s lock of `orderId` (lockOrder), in
 * one statement: the lock is taken for the row the insert returns, so after the record as before, and
 * a duplicate takes none. The lock is noted in the transaction's `locks`.
 */
export async function recordProcessedLocking(
  tx: Pick<Tx, "db" | "locks">,
  table: ProcessedEventsTable,
  event: Pick<ShopCloudEvent, "source" | "id" | "type">,
  lock: { scope: string; orderId: string },
): Promise<boolean> {
  const inserted = tx.db
    .$with("inserted", { id: table.id })
    .as(
      tx.db
        .insert(table)
        .values({ source: event.source, id: event.id, type: event.type })
        .onConflictDoNothing()
        .returning({ id: table.id })
        .getSQL(),
    );
  const locked = await tx.db
    .with(inserted)
    .select({ locked: sql<string>`${orderLock(lock.scope, lock.orderId)}::text` })
    .from(inserted);
  if (locked.length === 0) return false;
  tx.locks?.add(orderLockKey(lock.scope, lock.orderId));
  return true;
}

/** What became of a delivered event. */
export type DispatchOutcome = "handled" | "duplicate" | "ignored" | "swept";

export interface DispatcherOptions<Deps> {
  deps: Deps;
  logger: Logger;
  subscriptions: EventSubscription<Deps>[];
  /** Takes the events of every other type (default: none, they are answered "ignored"). */
  otherEvents?: OtherEventHandler<Deps>;
  /** Whether `otherEvents` wants an event of this type; no: "ignored", without a transaction. */
  wantsOtherEvent?: (type: string, deps: Deps) => boolean | Promise<boolean>;
  processedEvents: ProcessedEventsTable;
  /** The function's name: the scope of the per-order locks of `lockOrder` subscriptions. */
  name?: string;
  /** Runs `fn` in a transaction with an outbox, kicking the relay after commit. */
  transaction: <T>(fn: (tx: Tx) => Promise<T>, traceparent?: string) => Promise<T>;
  /** Runs `fn` without a transaction (an `autocommit` subscription); `transaction` when not given. */
  autocommit?: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
  /** What a PingSource tick runs: the outbox sweep and the function's periodic work. */
  sweep: () => Promise<unknown>;
  /** The function's tracer: a CONSUMER span per delivered event (none when tracing is off). */
  tracer?: Tracer;
}

/**
 * Builds the dispatcher. It answers a type it does not consume with "ignored" (2xx: the broker
 * moves on), a redelivered event with "duplicate" and changes nothing, and throws
 * MalformedEventError for an event to dead-letter (bad data, a source that does not emit its type, or a
 * domain refusal that no redelivery can change).
 */
export function createDispatcher<Deps>(
  options: DispatcherOptions<Deps>,
): (event: ShopCloudEvent) => Promise<DispatchOutcome> {
  const byType = new Map(options.subscriptions.map((s) => [s.schema.typeName, s]));
  const { processedEvents } = options;
  const dispatch = async (event: ShopCloudEvent): Promise<DispatchOutcome> => {
    const subscription = byType.get(event.type);
    if (!subscription) {
      if (!options.otherEvents) return "ignored";
      if (options.wantsOtherEvent && !(await options.wantsOtherEvent(event.type, options.deps)))
        return "ignored";
      return handleOther(event, options, options.otherEvents);
    }
    if (!sourceAllowed(event.type, event.source)) {
      const expected = ANY_FUNCTION_TYPES.has(event.type) ? "a function" : expectedSource(event.type);
      throw new MalformedEventError(`${event.type} comes from ${expected}, not ${event.source}`);
    }
    const decoded = decodeEvent(event);
    if (!decoded) return "ignored";
    // Field 1 of every Shop event is the id of its aggregate (order, product, user): an event without
    // one is malformed, not a reason to retry or to write a row keyed by "".
    const idField = decoded.schema.fields.find((field) => field.number === 1);
    const aggregateId =
      idField?.fieldKind === "scalar"
        ? (decoded.message as Record<string, unknown>)[idField.localName]
        : undefined;
    if (idField && aggregateId === "") throw new MalformedEventError(`${event.type} has no ${idField.name}`);
    if (subscription.when && !subscription.when(decoded.message)) return "ignored";
    const lock =
      subscription.lockOrder && options.name && typeof aggregateId === "string"
        ? { scope: options.name, orderId: aggregateId }
        : undefined;
    const traceparent = typeof event.traceparent === "string" ? event.traceparent : undefined;
    const { deps, logger, autocommit } = options;
    const run = <T>(fn: (tx: Tx) => Promise<T>) =>
      // Only with its own record (idempotent): a processed-event row would commit apart from the write.
      subscription.autocommit && subscription.idempotent && autocommit
        ? autocommit(fn)
        : options.transaction(fn, traceparent);
    try {
      const outcome = await run(async (tx) => {
        const context = { ...tx, event, deps, logger };
        // Idempotent by itself: no processed-event row; the handler says whether anything changed.
        const recorded = !subscription.idempotent;
        if (recorded) {
          const fresh = lock
            ? await recordProcessedLocking(tx, processedEvents, event, lock)
            : await recordProcessed(tx, processedEvents, event);
          if (!fresh) return "duplicate";
        }
        try {
          const changed = await subscription.handler(decoded.message, context);
          return !recorded && changed === false ? "duplicate" : "handled";
        } catch (error) {
          if (!(error instanceof RedeliverAfterCommit)) throw error;
          if (recorded) {
            await tx.db
              .delete(processedEvents)
              .where(and(eq(processedEvents.source, event.source), eq(processedEvents.id, event.id)));
          }
          return error;
        }
      });
      if (outcome instanceof RedeliverAfterCommit) throw outcome.error;
      return outcome;
    } catch (error) {
      if (error instanceof DomainError && !isTransient(error)) throw new MalformedEventError(error.message);
      throw error;
    }
  };
  return async (event) => {
    if (event.type === PING_TYPE) {
      await options.sweep();
      return "swept";
    }
    // Tracing off: straight to the dispatch, no closure per event.
    return options.tracer ? traceConsumer(options.tracer, event, () => dispatch(event)) : dispatch(event);
  };
}

/** An event of a type no subscription names, to `handler` in one transaction; a domain refusal is a 4xx. */
async function handleOther<Deps>(
  event: ShopCloudEvent,
  options: DispatcherOptions<Deps>,
  handler: OtherEventHandler<Deps>,
): Promise<DispatchOutcome> {
  const traceparent = typeof event.traceparent === "string" ? event.traceparent : undefined;
  const { deps, logger } = options;
  try {
    await options.transaction((tx) => handler({ ...tx, event, deps, logger }), traceparent);
    return "handled";
  } catch (error) {
    if (error instanceof DomainError && !isTransient(error)) throw new MalformedEventError(error.message);
    throw error;
  }
}
