/**
 * A `lockOrder` subscription on real Postgres: the dispatcher takes the order's lock in the statement
 * that writes the processed-event record, and it serialises one order's events as the handler's own
 * lockOrder did; a duplicate waits on the record and takes no lock.
 */
import { create } from "@bufbuild/protobuf";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { lockOrder, orderLockKey } from "../db/order-guard.ts";
import type { RunningFunction } from "../function.ts";
import { defineFunction } from "../function.ts";
import { fixtureFunction } from "../testing/fixture/fixture.ts";
import { greetings, processedEvents } from "../testing/fixture/schema.ts";
import { createTestDatabase, startForTest, waitFor } from "../testing/index.ts";
import { toCloudEvent } from "./codec.ts";
import { on } from "./subscriptions.ts";

// The handler of the first greeting of a user holds on (after its lock) until the test lets it go.
let release: () => void = () => {};
const held = new Promise<void>((resolve) => (release = resolve));
const started: string[] = [];
const heldBefore: boolean[] = [];

const locking = defineFunction({
  ...fixtureFunction,
  subscriptions: [
    on(
      UserRegisteredSchema,
      async (message, tx) => {
        // Held already (the dispatcher's): this costs no statement.
        heldBefore.push(tx.locks?.has(orderLockKey("orders", message.userId)) === true);
        await lockOrder(tx, "orders", message.userId);
        started.push(message.email);
        if (message.email.startsWith("first")) await held;
        await tx.db
          .insert(greetings)
          .values({ userId: `${message.userId}:${message.email}`, email: message.email });
      },
      { lockOrder: true },
    ),
  ],
});

describe("a lockOrder subscription (the lock taken with the processed-event record)", () => {
  let fn: RunningFunction;
  let url: string;
  let admin: postgres.Sql;
  beforeAll(async () => {
    url = await createTestDatabase(inject("databaseUrl"));
    fn = await startForTest(locking, { config: { database: { kind: "postgres", url } } });
    admin = postgres(url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    release();
    await admin?.end();
    await fn?.close();
  });

  const registered = (userId: string, email: string) =>
    toCloudEvent(UserRegisteredSchema, create(UserRegisteredSchema, { userId, email }), {
      source: "/functions/identity",
      key: userId,
    });
  const waiting = async () => {
    const [row] = await admin<{ advisory: number; other: number }[]>`
      select count(*) filter (where locktype = 'advisory')::int as advisory,
             count(*) filter (where locktype <> 'advisory')::int as other
      from pg_locks where not granted
        and pid in (select pid from pg_stat_activity where datname = current_database())`;
    return row!;
  };

  it("serialises the events of one order, and a duplicate waits on the record without the lock", async () => {
    const first = registered("o-1", "first@example.com");
    const firstDone = fn.receive(first);
    await waitFor(() => started.includes("first@example.com"), { message: "the first handler to start" });

    // Another event of the same order waits for the lock, before its handler starts.
    const secondDone = fn.receive(registered("o-1", "second@example.com"));
    await waitFor(async () => (await waiting()).advisory === 1, { message: "the second event to wait" });
    // The same event again waits on the first one's record (its unique key), not on the lock.
    const againDone = fn.receive(first);
    await waitFor(async () => (await waiting()).other === 1, { message: "the duplicate to wait" });
    expect(started).toEqual(["first@example.com"]);
    expect((await waiting()).advisory).toBe(1);

    release();
    await expect(firstDone).resolves.toBe("handled");
    await expect(againDone).resolves.toBe("duplicate");
    await expect(secondDone).resolves.toBe("handled");
    expect(started).toEqual(["first@example.com", "second@example.com"]);
    expect(heldBefore).toEqual([true, true]);
    expect((await fn.app.db.select().from(greetings)).map((g) => g.userId).sort()).toEqual([
      "o-1:first@example.com",
      "o-1:second@example.com",
    ]);
    expect(await fn.app.db.select().from(processedEvents)).toHaveLength(2);
  });

  it("is refused with idempotent: there is no processed-event record to take the lock with", () => {
    expect(() => on(UserRegisteredSchema, async () => {}, { idempotent: true, lockOrder: true })).toThrow(
      "shop.identity.v1.UserRegistered: lockOrder needs the processed-event record (drop idempotent)",
    );
  });
});
