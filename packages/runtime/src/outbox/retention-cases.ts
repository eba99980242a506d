/**
 * The retention cases, shared by the PGlite test and the real-Postgres one (the two drivers bind
 * parameters differently).
 */
import { create } from "@bufbuild/protobuf";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { afterAll, beforeAll, expect, it } from "vitest";
import { toCloudEvent } from "../events/codec.ts";
import type { RunningFunction } from "../function.ts";
import { prune } from "./retention.ts";

const DAY = 24 * 60 * 60 * 1000;
const retention = { outboxMs: DAY, processedEventsMs: 8 * DAY };
const inDays = (days: number) => new Date(Date.now() + days * DAY);

/** The retention cases, on the database `start` gives (PGlite here, real Postgres in the int test). */
export function retentionCases(start: () => Promise<RunningFunction>) {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await start();
    for (const userId of ["u1", "u2", "u3"]) {
      const event = toCloudEvent(
        UserRegisteredSchema,
        create(UserRegisteredSchema, { userId, email: `${userId}@x.test` }),
        {
          source: "/functions/identity",
          key: userId,
        },
      );
      await fn.receive(event);
    }
  });
  afterAll(() => fn.close());

  const count = async () => ({
    outbox: await fn.app.db.$count(fn.definition.outbox),
    processedEvents: await fn.app.db.$count(fn.definition.processedEvents),
  });

  it("keeps everything within the retention", async () => {
    await fn.relay.sweep();
    expect(await prune(fn.app.db, fn.definition, retention, inDays(0.5))).toEqual({
      outbox: 0,
      processedEvents: 0,
    });
    expect(await count()).toEqual({ outbox: 3, processedEvents: 3 });
  });

  it("never deletes an outbox row that is not published, however old", async () => {
    await fn.app.transaction((tx) =>
      tx.emit(OrderPlacedSchema, create(OrderPlacedSchema, { orderId: "late" }), { key: "late" }),
    );
    expect(await prune(fn.app.db, fn.definition, retention, inDays(2))).toEqual({
      outbox: 3,
      processedEvents: 0,
    });
    expect(await count()).toEqual({ outbox: 1, processedEvents: 3 });
  });

  it("deletes processed-event records past their own, longer retention", async () => {
    expect(await prune(fn.app.db, fn.definition, retention, inDays(9))).toEqual({
      outbox: 0,
      processedEvents: 3,
    });
    expect(await count()).toEqual({ outbox: 1, processedEvents: 0 });
  });
}
