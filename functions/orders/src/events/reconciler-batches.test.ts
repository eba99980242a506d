import { OrderCancelledSchema, OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../db/schema.ts";
import { placeOrder } from "../orders/place-order.ts";
import { putProduct, type RunningOrders, startOrders, testClock } from "../test-support.ts";

const MINUTE = 60_000;
const DEADLINE = 2 * MINUTE;
const GIVE_UP = 10 * MINUTE;
// Small batches, so that a run takes several of each kind.
const BATCH = 5;
const REASK_PER_RUN = 7;

// A run of the reconciler with more overdue orders than its batches hold: all orders past their
// final deadline are cancelled first, then at most REASK_PER_RUN orders are asked again, oldest first.
describe("the reconciler's batches (orders' onTick)", { timeout: 30_000 }, () => {
  const clock = testClock();
  let fn: RunningOrders;
  let keys = 0;
  beforeAll(async () => {
    fn = await startOrders({
      deps: { now: clock.now },
      settings: {
        sagaDeadlineMs: DEADLINE,
        sagaGiveUpMs: GIVE_UP,
        reconcileBatch: BATCH,
        reaskPerRun: REASK_PER_RUN,
      },
    });
    await putProduct(fn, "p-1", { priceMinor: 900n });
  }, 60_000);
  afterAll(() => fn.close());

  /** Places `count` orders, one clock millisecond apart (so their deadlines have an order). */
  async function place(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const request = {
        customerId: "finn",
        idempotencyKey: `batch-${++keys}`,
        lines: [{ productId: "p-1", quantity: 1 }],
        couponCode: "",
        paymentToken: "tok_visa",
      };
      const placed = await fn.app.transaction((tx) => placeOrder(tx, request, fn.deps));
      ids.push(placed.order.id);
      clock.advance(1);
    }
    return ids;
  }

  /** The reconciler's events in outbox order since `afterSeq`: [type, order id] and the last seq. */
  async function eventsSince(afterSeq: number) {
    const rows = await fn.app.db
      .select({ seq: outbox.seq, type: outbox.type, key: outbox.key })
      .from(outbox)
      .orderBy(asc(outbox.seq));
    const after = rows.filter((row) => row.seq > afterSeq);
    return { events: after.map((row) => [row.type, row.key] as const), last: rows.at(-1)?.seq ?? 0 };
  }

  it("cancels every order past its final deadline in one run, before asking any again", async () => {
    const late = await place(3 * BATCH + 2);
    clock.advance(GIVE_UP - DEADLINE);
    const overdue = await place(2 * REASK_PER_RUN);
    const { last } = await eventsSince(0);
    clock.advance(DEADLINE);

    await fn.tick();
    const { events, last: now } = await eventsSince(last);
    const cancels = events.filter(([type]) => type === OrderCancelledSchema.typeName);
    const reasks = events.filter(([type]) => type === OrderPlacedSchema.typeName);
    expect(cancels.map(([, id]) => id).sort()).toEqual([...late].sort());
    // All cancels of the run come before its first re-ask.
    expect(events.slice(0, late.length)).toEqual(cancels);
    // At most REASK_PER_RUN re-asks, the oldest deadlines first.
    expect(reasks.map(([, id]) => id).sort()).toEqual(overdue.slice(0, REASK_PER_RUN).sort());

    // The next run asks for the rest; the orders asked already wait for their next deadline.
    await fn.tick();
    const next = await eventsSince(now);
    expect(next.events.map(([, id]) => id).sort()).toEqual(overdue.slice(REASK_PER_RUN).sort());
    expect(next.events.every(([type]) => type === OrderPlacedSchema.typeName)).toBe(true);
    await fn.tick();
    expect((await eventsSince(next.last)).events).toEqual([]);
  });

  it("cancels an order once, whatever the runs after", async () => {
    // The orders of the test before end first.
    clock.advance(GIVE_UP);
    await fn.tick();
    const ids = await place(BATCH);
    clock.advance(GIVE_UP);
    const { last } = await eventsSince(0);
    await fn.tick();
    await fn.tick();
    const { events } = await eventsSince(last);
    expect(events.map(([, id]) => id).sort()).toEqual([...ids].sort());
    expect(events.every(([type]) => type === OrderCancelledSchema.typeName)).toBe(true);
  });
});
