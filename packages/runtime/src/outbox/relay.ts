/**
 * The outbox relay: publishes committed outbox rows to the event log and marks them published.
 * It runs after every commit that emitted (kick), on start, on a timer and on a PingSource tick
 * (sweep), so nothing committed is lost even if the process died between commit and publish.
 */
import type { Tracer } from "@opentelemetry/api";
import { and, asc, inArray, isNull } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import type { OutboxTable } from "../db/tables.ts";
import type { EventLog } from "../log/event-log.ts";
import type { Logger } from "../logger.ts";
import { emittedHere } from "./outbox.ts";
import { type OutboxRow, publication } from "./producer-spans.ts";

/** A running relay. */
export interface Relay {
  /** Asks for a publish soon; calls while one runs coalesce into one more run. */
  kick(): void;
  /** Publishes everything unpublished now; resolves with the number of events published. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for the run in hand. */
  close(): Promise<void>;
}

export interface RelayOptions {
  db: Db;
  outbox: OutboxTable;
  log: EventLog;
  topic: string;
  logger: Logger;
  /** Sweep period in ms; 0 disables the timer. */
  intervalMs: number;
  /** Rows per publish batch. */
  batchSize?: number;
  /** Called after each published batch, with the event ids (metrics). */
  onPublished?: (count: number) => void;
  /** The function's tracer: a PRODUCER span per published event (none when tracing is off). */
  tracer?: Tracer;
}

/**
 * An id emitted here that no kick found committed for this long was rolled back, or is left to the
 * sweep (which publishes every unpublished row, whoever emitted it).
 */
const FORGET_AFTER_MS = 30_000;

/**
 * Starts a relay. Two ways to publish, one at a time:
 * - after a commit (kick), the rows emitted in this process that the database says are committed
 *   and unpublished: one indexed read, one publish; the rows are marked published afterwards, off
 *   the path of the event, and a sweep leaves rows published but not yet marked alone;
 * - a sweep: every unpublished row, a batch per transaction, locked (SKIP LOCKED, so replicas share
 *   the work and never publish a row twice at the same time), published, then marked.
 * Either way a row is marked only after the log acknowledged it. A process that dies between the
 * publish and the mark leaves a row that a sweep publishes again: consumers are idempotent.
 */
export function startRelay(options: RelayOptions): Relay {
  const { db, outbox, log, topic, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const emitted = emittedHere(outbox);
  let running: Promise<number> | undefined;
  let again = false;
  let closed = false;
  let sweepers: ((count: number) => void)[] = [];
  // Published rows waiting for their mark, and the loop writing the marks.
  let toMark: number[] = [];
  let marking: Promise<void> | undefined;

  async function publishEmitted(): Promise<number> {
    const now = Date.now();
    for (const [id, at] of emitted) if (now - at > FORGET_AFTER_MS) emitted.delete(id);
    if (emitted.size === 0) return 0;
    // Claimed while in hand, so another relay of the same outbox in this process does not take them
    // too; those not committed yet (or not published after all) go back.
    const claimed = [...emitted].slice(0, batchSize);
    for (const [id] of claimed) emitted.delete(id);
    let rows: Awaited<ReturnType<typeof readRows>> = [];
    try {
      rows = await readRows(claimed.map(([id]) => id));
      if (rows.length > 0) {
        await publish(rows);
      }
    } catch (error) {
      rows = [];
      throw error;
    } finally {
      const published = new Set(rows.map((row) => row.id));
      for (const [id, at] of claimed) if (!published.has(id)) emitted.set(id, at);
    }
    if (rows.length === 0) return 0;
    toMark.push(...rows.map((row) => row.seq));
    marking ??= markPublished();
    return rows.length;
  }

  async function publish(rows: OutboxRow[]): Promise<void> {
    const sent = publication(options.tracer, topic, rows);
    try {
      await log.publish(topic, sent.records);
    } catch (error) {
      sent.end(error);
      throw error;
    }
    sent.end();
  }

  function readRows(ids: string[]) {
    return db
      .select()
      .from(outbox)
      .where(and(inArray(outbox.id, ids), isNull(outbox.publishedAt)))
      .orderBy(asc(outbox.seq));
  }

  async function markPublished(): Promise<void> {
    while (toMark.length > 0) {
      const seqs = toMark;
      toMark = [];
      try {
        await db.update(outbox).set({ publishedAt: new Date() }).where(inArray(outbox.seq, seqs));
      } catch (error) {
        // Left unpublished in the table: the next sweep publishes them again, and consumers dedupe.
        logger.warn({ err: error, count: seqs.length }, "outbox relay could not mark published events");
      }
    }
    marking = undefined;
  }

  // One batch in one transaction: rows are locked, published, then marked. If publishing fails,
  // the transaction rolls back and the rows wait for the next run.
  async function sweepBatch(): Promise<number> {
    return db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outbox)
        .where(isNull(outbox.publishedAt))
        .orderBy(asc(outbox.seq))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return 0;
      await publish(rows);
      await tx
        .update(outbox)
        .set({ publishedAt: new Date() })
        .where(
          inArray(
            outbox.seq,
            rows.map((row) => row.seq),
          ),
        );
      for (const row of rows) emitted.delete(row.id);
      return rows.length;
    });
  }

  async function drain(sweep: boolean): Promise<number> {
    let total = 0;
    const step = async (publish: () => Promise<number>) => {
      for (;;) {
        const count = await publish();
        total += count;
        if (count > 0) options.onPublished?.(count);
        if (count < batchSize) return;
      }
    };
    await step(publishEmitted);
    if (sweep) {
      // Rows published by a kick are unmarked until their mark lands: let it, or they go out twice.
      while (marking) await marking;
      await step(sweepBatch);
    }
    return total;
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    // A sweep asked for before this run started is done by it: it sees the rows committed by then.
    const waiting = sweepers;
    sweepers = [];
    running = drain(waiting.length > 0)
      .catch((error: unknown) => {
        logger.warn({ err: error }, "outbox relay could not publish; will retry on the next sweep");
        return 0;
      })
      .then((count) => {
        for (const resolve of waiting) resolve(count);
        return count;
      })
      .finally(() => {
        running = undefined;
        if ((again || sweepers.length > 0) && !closed) {
          again = false;
          void run();
        }
      });
    return running;
  }

  const timer = options.intervalMs > 0 ? setInterval(() => void sweep(), options.intervalMs) : undefined;
  timer?.unref();

  function sweep(): Promise<number> {
    return new Promise<number>((resolve) => {
      sweepers.push(resolve);
      if (!running) void run();
    });
  }

  return {
    kick: () => void run(),
    sweep,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      if (running) await running;
      while (marking) await marking;
      // A sweep asked for meanwhile gets no run any more.
      for (const resolve of sweepers.splice(0)) resolve(0);
    },
  };
}
