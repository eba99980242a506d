/**
 * The outbox relay: publishes committed outbox rows to the event log and marks them published.
 * It runs after every commit that emitted (kick, with the rows the transaction wrote), on start, on a
 * timer and on a PingSource tick (sweep), so nothing committed is lost even if the process died
 * between commit and publish.
 *
 * The timer sweeps every `intervalMs` while rows may be left in the table as far as this process
 * knows (a publish or a mark failed, a sweep failed or found rows, a transaction that emitted failed
 * with its commit's outcome unknown: `suspect`); while nothing is known to be left, its period
 * doubles up to `idleIntervalMs`, so an idle function wakes about once a minute instead of every few
 * seconds. Worst case for a row no live process knows of (another replica died between commit and
 * publish): `idleIntervalMs` (1 min by default), or that function's next start or PingSource tick if
 * sooner.
 */
import type { Tracer } from "@opentelemetry/api";
import { asc, inArray, isNull } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import type { OutboxTable } from "../db/tables.ts";
import type { EventLog } from "../log/event-log.ts";
import type { Logger } from "../logger.ts";
import { type OutboxRow, publication } from "./producer-spans.ts";

/** A running relay. */
export interface Relay {
  /**
   * Publishes `rows`, which a transaction just committed, soon: as they are, without reading them
   * back. Rows handed over while a publish runs go out together in the next one, in the order given.
   */
  kick(rows: OutboxRow[]): void;
  /** Publishes everything unpublished now; resolves with the number of events published. */
  sweep(): Promise<number>;
  /**
   * Says rows may have been left in the table unknown to the relay (a transaction that emitted failed
   * after its COMMIT was sent): the timer sweeps within `intervalMs` again.
   */
  suspect(): void;
  /** Stops the timer and waits for the run in hand. */
  close(): Promise<void>;
}

export interface RelayOptions {
  db: Db;
  outbox: OutboxTable;
  log: EventLog;
  topic: string;
  logger: Logger;
  /** Sweep period in ms while rows may be left behind; 0 disables the timer. */
  intervalMs: number;
  /**
   * The longest sweep period in ms while nothing is known to be left behind: the period doubles from
   * `intervalMs` up to it after each sweep that found nothing (default 60 s; never below `intervalMs`).
   */
  idleIntervalMs?: number;
  /** Rows per publish batch. */
  batchSize?: number;
  /**
   * How long published rows wait for their mark, so one UPDATE marks the rows of many commits
   * (default 100 ms; a sweep and `close` wait for it). Until marked, a row is not published again:
   * the sweep waits for the marks in hand first.
   */
  markDelayMs?: number;
  /** Called after each published batch, with the event ids (metrics). */
  onPublished?: (count: number) => void;
  /** The function's tracer: a PRODUCER span per published event (none when tracing is off). */
  tracer?: Tracer;
}

/**
 * Starts a relay. Two ways to publish, one at a time:
 * - after a commit (kick), the rows that transaction wrote, from memory: no read, one publish for
 *   every commit handed over meanwhile; the rows are marked published afterwards, off the path of
 *   the event and many commits at once, and a sweep waits for those marks first. A kicked publish
 *   that fails leaves its rows to the sweep;
 * - a sweep: every unpublished row, a batch per transaction, locked (SKIP LOCKED, so replicas share
 *   the work and never publish a row twice at the same time), published, then marked.
 * Either way a row is marked only after the log acknowledged it. A process that dies between the
 * publish and the mark leaves a row that a sweep publishes again: consumers are idempotent.
 */
export function startRelay(options: RelayOptions): Relay {
  const { db, outbox, log, topic, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const markDelayMs = options.markDelayMs ?? 100;
  // Committed rows handed over by kicks, in commit order, not published yet.
  let queued: OutboxRow[] = [];
  let running: Promise<number> | undefined;
  let again = false;
  let closed = false;
  let sweepers: ((count: number) => void)[] = [];
  // Ids of published rows waiting for their mark, and the loop writing the marks.
  let toMark: string[] = [];
  let marking: Promise<void> | undefined;
  // Whether rows may be in the table that no publish in hand covers: the timer then keeps its short period.
  let leftBehind = false;

  async function publishQueued(): Promise<number> {
    if (queued.length === 0) return 0;
    const rows = queued.slice(0, batchSize);
    queued = queued.slice(rows.length);
    try {
      await publish(rows);
    } catch (error) {
      // Committed, so in the table: the sweep (timer, tick, next start) publishes them.
      logger.warn({ err: error, count: rows.length }, "outbox relay could not publish; the sweep will");
      suspect();
      return 0;
    }
    toMark.push(...rows.map((row) => row.id));
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

  async function markPublished(): Promise<void> {
    // Lingers so that the rows of the commits published meanwhile share this one UPDATE.
    if (markDelayMs > 0 && !closed) await new Promise((resolve) => setTimeout(resolve, markDelayMs));
    while (toMark.length > 0) {
      const ids = toMark;
      toMark = [];
      try {
        await db.update(outbox).set({ publishedAt: new Date() }).where(inArray(outbox.id, ids));
      } catch (error) {
        // Left unpublished in the table: the next sweep publishes them again, and consumers dedupe.
        logger.warn({ err: error, count: ids.length }, "outbox relay could not mark published events");
        suspect();
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
      // A commit kicked while this batch was read may be among its rows: it went out here.
      const swept = new Set(rows.map((row) => row.id));
      queued = queued.filter((row) => !swept.has(row.id));
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
    await step(publishQueued);
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
        suspect();
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

  const intervalMs = options.intervalMs;
  const idleIntervalMs = Math.max(intervalMs, options.idleIntervalMs ?? 60_000);
  // The timer's next period, and when the timer set fires.
  let period = intervalMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dueAt = 0;

  /** Makes the timer fire within `ms` (a timer set to fire sooner stays). */
  function schedule(ms: number) {
    if (intervalMs <= 0 || closed) return;
    if (timer && dueAt <= Date.now() + ms) return;
    if (timer) clearTimeout(timer);
    dueAt = Date.now() + ms;
    timer = setTimeout(() => void onTimer(), ms);
    timer.unref();
  }

  async function onTimer() {
    timer = undefined;
    leftBehind = false;
    const count = await sweep();
    // What a failure or another process left is looked for again soon; nothing found: less often.
    period = count > 0 || leftBehind ? intervalMs : Math.min(period * 2, idleIntervalMs);
    schedule(period);
  }

  function suspect() {
    leftBehind = true;
    period = intervalMs;
    schedule(intervalMs);
  }

  function sweep(): Promise<number> {
    return new Promise<number>((resolve) => {
      sweepers.push(resolve);
      if (!running) void run();
    }).then((count) => {
      // Rows no kick had handed over (left by another process, or by this one's failures): look again soon.
      if (count > 0) {
        period = intervalMs;
        schedule(intervalMs);
      }
      return count;
    });
  }

  schedule(intervalMs);

  return {
    kick(rows) {
      queued.push(...rows);
      void run();
    },
    sweep,
    suspect,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
      while (marking) await marking;
      // A sweep asked for meanwhile gets no run any more.
      for (const resolve of sweepers.splice(0)) resolve(0);
    },
  };
}
