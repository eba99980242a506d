import { create } from "@bufbuild/protobuf";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningFunction } from "../function.ts";
import { fixtureFunction } from "../testing/fixture/fixture.ts";
import { publishedEvents, startForTest } from "../testing/index.ts";

const placed = (orderId: string) => create(OrderPlacedSchema, { orderId, customerId: "c-1" });

describe("a transaction's outbox", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(fixtureFunction);
  });
  afterAll(() => fn.close());

  it("writes every event it emitted, in their order, with its commit; none when it rolls back", async () => {
    await fn.app.transaction(async (tx) => {
      await tx.emit(OrderPlacedSchema, placed("o-1"), { key: "o-1" });
      await tx.emitAll(OrderPlacedSchema, [
        { message: placed("o-2"), key: "o-2" },
        { message: placed("o-3"), key: "o-3" },
      ]);
    });
    await expect(
      fn.app.transaction(async (tx) => {
        await tx.emit(OrderPlacedSchema, placed("o-rolled-back"), { key: "o-rolled-back" });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    const outbox = fn.definition.outbox;
    const rows = await fn.app.db.select({ key: outbox.key }).from(outbox).orderBy(asc(outbox.seq));
    expect(rows.map((row) => row.key)).toEqual(["o-1", "o-2", "o-3"]);
    expect((await publishedEvents(fn)).map((e) => e.event.partitionkey).sort()).toEqual([
      "o-1",
      "o-2",
      "o-3",
    ]);
  });

  it("refuses an event emitted once the transaction's work is done: it would never be written", async () => {
    let late: Promise<void> | undefined;
    await fn.app.transaction(async (tx) => {
      tx.afterCommit(() => {
        late = tx.emit(OrderPlacedSchema, placed("o-late"), { key: "o-late" });
      });
    });
    await expect(late).rejects.toThrow("emitted after its transaction's work was done");
  });
});
