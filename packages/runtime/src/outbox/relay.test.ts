import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningFunction } from "../function.ts";
import type { EventLog, LogRecord } from "../log/event-log.ts";
import { createMemoryLog } from "../log/memory-log.ts";
import { fixtureFunction } from "../testing/fixture/fixture.ts";
import { startForTest, waitFor } from "../testing/index.ts";

const running: RunningFunction[] = [];

/** The fixture function on its own in-memory log, and every record that reaches the log's topic. */
async function start(
  options: {
    publishAfterCommit?: boolean;
    failPublishes?: () => boolean;
    config?: { sweepIntervalMs: number; sweepIdleIntervalMs: number };
  } = {},
) {
  const { failPublishes, ...startOptions } = options;
  const memory: EventLog = createMemoryLog();
  // A log that refuses a publish while `failPublishes` says so (the broker down for a moment).
  const log: EventLog = {
    ...memory,
    publish: (...args) => {
      if (failPublishes?.()) return Promise.reject(new Error("the broker is down"));
      return memory.publish(...args);
    },
  };
  const fn = await startForTest(fixtureFunction, { log, ...startOptions });
  running.push(fn);
  const records: LogRecord[] = [];
  await log.subscribe({
    groupId: `reader-${randomUUID()}`,
    topic: fn.app.config.eventsTopic,
    ordered: true,
    handler: async (record) => void records.push(record),
  });
  const place = (orderId: string) =>
    fn.app.transaction(async ({ emit }) => {
      await emit(OrderPlacedSchema, create(OrderPlacedSchema, { orderId, customerId: "c" }), {
        key: orderId,
      });
      return orderId;
    });
  const unpublished = () =>
    fn.app.db.$count(fixtureFunction.outbox, isNull(fixtureFunction.outbox.publishedAt));
  return { fn, records, place, unpublished };
}

const orderIds = (records: LogRecord[]) =>
  records.map((record) => record.key).sort((a, b) => String(a).localeCompare(String(b)));

describe("the outbox relay", { timeout: 60_000 }, () => {
  // One function that publishes after each commit, one that "dies" between commit and publish.
  let kicked: Awaited<ReturnType<typeof start>>;
  let left: Awaited<ReturnType<typeof start>>;
  // One whose broker refuses publishes while `down` is true.
  let refused: Awaited<ReturnType<typeof start>>;
  let down = false;
  beforeAll(async () => {
    [kicked, left, refused] = await Promise.all([
      start(),
      start({ publishAfterCommit: false }),
      start({ failPublishes: () => down }),
    ]);
  }, 120_000);
  afterAll(() => Promise.all(running.map((fn) => fn.close())));

  it("publishes each committed event once, right after its commit, and never a rolled-back one", async () => {
    const { fn, records, place, unpublished } = kicked;
    records.length = 0;
    await place("o-1");
    await waitFor(() => records.length === 1, { message: "o-1 published" });

    await expect(
      fn.app.transaction(async ({ emit }) => {
        await emit(OrderPlacedSchema, create(OrderPlacedSchema, { orderId: "o-rolled-back" }), {
          key: "o-rolled-back",
        });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await place("o-2");
    await waitFor(() => records.length === 2, { message: "o-2 published" });

    expect(await fn.relay.sweep()).toBe(0);
    expect(orderIds(records)).toEqual(["o-1", "o-2"]);
    expect(await unpublished()).toBe(0);
  });

  it("publishes 50 events committed at once exactly once each, and a sweep finds nothing left", async () => {
    const { fn, records, place, unpublished } = kicked;
    records.length = 0;
    const placed = Array.from({ length: 50 }, (_, i) => `o-${String(i).padStart(2, "0")}`);
    await Promise.all(placed.map(place));
    await waitFor(() => records.length >= 50, { message: "50 published" });
    expect(await fn.relay.sweep()).toBe(0);
    expect(orderIds(records)).toEqual(placed);
    expect(await unpublished()).toBe(0);
  });

  it("publishes the events of one emitAll (one multi-row insert) once each, each with its own id", async () => {
    const { fn, records, unpublished } = kicked;
    records.length = 0;
    const placed = Array.from({ length: 30 }, (_, i) => `all-${String(i).padStart(2, "0")}`);
    await fn.app.transaction(async ({ emitAll }) => {
      await emitAll(OrderPlacedSchema, []);
      await emitAll(
        OrderPlacedSchema,
        placed.map((orderId) => ({ key: orderId, message: create(OrderPlacedSchema, { orderId }) })),
      );
    });
    await waitFor(() => records.length >= 30, { message: "30 published" });
    expect(await fn.relay.sweep()).toBe(0);
    expect(orderIds(records)).toEqual(placed);
    expect(new Set(records.map((record) => record.headers.ce_id)).size).toBe(30);
    expect(await unpublished()).toBe(0);
  });

  it("publishes on a sweep what no commit kicked (a process that died before publishing)", async () => {
    const { fn, records, place, unpublished } = left;
    await place("o-left");
    expect(records).toEqual([]);
    expect(await unpublished()).toBe(1);

    expect(await fn.relay.sweep()).toBe(1);
    await waitFor(() => records.length === 1, { message: "o-left published" });
    expect(await fn.relay.sweep()).toBe(0);
    expect(orderIds(records)).toEqual(["o-left"]);
    expect(await unpublished()).toBe(0);
  });

  it("leaves a commit whose publish failed to the sweep, which publishes it once the broker is back", async () => {
    const { fn, records, place, unpublished } = refused;
    records.length = 0;
    down = true;
    await place("o-refused");
    await waitFor(async () => (await unpublished()) === 1, { message: "o-refused committed, unpublished" });
    expect(await fn.relay.sweep()).toBe(0);
    expect(records).toEqual([]);
    down = false;
    expect(await fn.relay.sweep()).toBe(1);
    await waitFor(() => records.length === 1, { message: "o-refused published" });
    expect(orderIds(records)).toEqual(["o-refused"]);
    expect(await unpublished()).toBe(0);
  });

  describe("its timer", () => {
    // Rows the relay knows of (a failed publish) are swept at the short period; while it knows of none,
    // the period doubles from 20 ms up to the idle period. The idle stretches let it back off.
    const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it("publishes what no commit kicked within its idle period, however long the function was idle", async () => {
      const { records, place, unpublished } = await start({
        publishAfterCommit: false,
        config: { sweepIntervalMs: 20, sweepIdleIntervalMs: 300 },
      });
      for (const orderId of ["o-timer-1", "o-timer-2"]) {
        await idle(1_000);
        await place(orderId);
        await waitFor(() => records.some((record) => record.key === orderId), {
          timeoutMs: 3_000,
          message: `${orderId} published by the timer`,
        });
      }
      expect(orderIds(records)).toEqual(["o-timer-1", "o-timer-2"]);
      expect(await unpublished()).toBe(0);
    });

    it("sweeps at its short period again after a failed publish, even once it has backed off", async () => {
      let brokerDown = false;
      const { records, place, unpublished } = await start({
        failPublishes: () => brokerDown,
        // Backed off after 6 s idle, the timer's next run is seconds away: only the short period
        // that a failure brings back publishes within the deadline below.
        config: { sweepIntervalMs: 20, sweepIdleIntervalMs: 60_000 },
      });
      await idle(6_000);
      brokerDown = true;
      await place("o-after-idle");
      await waitFor(async () => (await unpublished()) === 1, { message: "committed, unpublished" });
      brokerDown = false;
      await waitFor(() => records.length === 1, { timeoutMs: 2_500, message: "published by the timer" });
      expect(orderIds(records)).toEqual(["o-after-idle"]);
      await waitFor(async () => (await unpublished()) === 0, { message: "marked published" });
    });
  });
});
