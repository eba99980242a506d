import { create } from "@bufbuild/protobuf";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { CloudEvent } from "cloudevents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/database.ts";
import { Code, DomainError } from "../errors.ts";
import type { RunningFunction } from "../function.ts";
import { defineFunction } from "../function.ts";
import { fixtureFunction } from "../testing/fixture/fixture.ts";
import { greetings, processedEvents } from "../testing/fixture/schema.ts";
import { publishedEvents, startForTest } from "../testing/index.ts";
import { MalformedEventError, toCloudEvent } from "./codec.ts";
import { on, RedeliverAfterCommit } from "./subscriptions.ts";

// A handler that records what it learnt, then asks for the event again until it is told "go".
const remembering = defineFunction({
  ...fixtureFunction,
  subscriptions: [
    on(UserRegisteredSchema, async (message, { db, emit }) => {
      const seen = await db.select().from(greetings);
      await db.insert(greetings).values({ userId: `${message.userId}-${seen.length}`, email: message.email });
      if (seen.length < 2) {
        throw new RedeliverAfterCommit(new DomainError(Code.Unavailable, "not yet, try again later"));
      }
      const orderId = `welcome-${message.userId}`;
      await emit(OrderPlacedSchema, create(OrderPlacedSchema, { orderId, customerId: message.userId }), {
        key: orderId,
      });
    }),
  ],
});

describe("a handler that keeps its writes and asks for redelivery (RedeliverAfterCommit)", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(remembering);
  });
  afterAll(() => fn.close());

  it("answers with its transient error, keeps what it wrote, and handles the redelivery", async () => {
    const event = toCloudEvent(UserRegisteredSchema, create(UserRegisteredSchema, { userId: "u1" }), {
      source: "/functions/identity",
      key: "u1",
    });
    await expect(fn.receive(event)).rejects.toThrow("not yet, try again later");
    await expect(fn.receive(event)).rejects.toBeInstanceOf(DomainError);
    await expect(fn.receive(event)).resolves.toBe("handled");
    await expect(fn.receive(event)).resolves.toBe("duplicate");

    expect((await fn.app.db.select().from(greetings)).map((g) => g.userId).sort()).toEqual([
      "u1-0",
      "u1-1",
      "u1-2",
    ]);
    expect((await publishedEvents(fn)).map((e) => e.event.partitionkey)).toEqual(["welcome-u1"]);
  });
});

// Takes every event no subscription names, as the dead-letter redriver does.
const takingOthers = defineFunction({
  ...fixtureFunction,
  subscriptions: [],
  otherEvents: async ({ db, event }) => {
    if (event.type === "refused") throw new DomainError(Code.InvalidArgument, "never this one");
    await db.insert(greetings).values({ userId: event.id, email: event.type });
  },
});

describe("otherEvents: a handler of every event no subscription names", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(takingOthers);
  });
  afterAll(() => fn.close());

  it("gets each event of any type undecoded, in a transaction, and a refusal is a malformed event", async () => {
    const event = (id: string, type: string) =>
      new CloudEvent<Uint8Array>({ id, type, source: "/anywhere", data: new Uint8Array([1, 2]) });
    await expect(fn.receive(event("e-1", "dev.knative.kafka.event"))).resolves.toBe("handled");
    await expect(fn.receive(event("e-2", "shop.orders.v1.OrderPlaced"))).resolves.toBe("handled");
    await expect(fn.receive(event("e-3", "refused"))).rejects.toBeInstanceOf(MalformedEventError);
    expect((await fn.app.db.select().from(greetings)).map((g) => [g.userId, g.email])).toEqual([
      ["e-1", "dev.knative.kafka.event"],
      ["e-2", "shop.orders.v1.OrderPlaced"],
    ]);
  });
});

/** identity's UserRegistered for `userId`, a new event each call. */
const registered = (userId: string, email: string) =>
  toCloudEvent(UserRegisteredSchema, create(UserRegisteredSchema, { userId, email }), {
    source: "/functions/identity",
    key: userId,
  });

/** Stores a user's greeting unless they have one: true when it was new (one statement). */
async function greetOnce(db: Db, user: { userId: string; email: string }): Promise<boolean> {
  const stored = await db
    .insert(greetings)
    .values({ userId: user.userId, email: user.email })
    .onConflictDoNothing()
    .returning({ userId: greetings.userId });
  return stored.length > 0;
}

// An idempotent subscription: a greeting per user, stored only when new (the handler's own dedupe).
const greetingOnce = defineFunction({
  ...fixtureFunction,
  subscriptions: [
    on(UserRegisteredSchema, async (message, { db }) => greetOnce(db, message), { idempotent: true }),
  ],
});

describe("an idempotent subscription (the handler deduplicates by itself)", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(greetingOnce);
  });
  afterAll(() => fn.close());

  it("writes no processed-event row and answers 'duplicate' when the handler changed nothing", async () => {
    const event = toCloudEvent(
      UserRegisteredSchema,
      create(UserRegisteredSchema, { userId: "u7", email: "u7@example.com" }),
      { source: "/functions/identity", key: "u7" },
    );
    await expect(fn.receive(event)).resolves.toBe("handled");
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    // Another event id telling the same: the handler's own check, not the event id, decides.
    const again = toCloudEvent(
      UserRegisteredSchema,
      create(UserRegisteredSchema, { userId: "u7", email: "u7@example.com" }),
      { source: "/functions/identity", key: "u7" },
    );
    await expect(fn.receive(again)).resolves.toBe("duplicate");

    expect(await fn.app.db.select().from(processedEvents)).toEqual([]);
    expect((await fn.app.db.select().from(greetings)).map((g) => g.userId)).toEqual(["u7"]);
  });
});

// One-statement idempotent handlers, run without a transaction of their own.
const autocommitted = defineFunction({
  ...fixtureFunction,
  subscriptions: [
    on(
      UserRegisteredSchema,
      async (message, { db }) => {
        const stored = await greetOnce(db, message);
        // In a transaction this would roll the insert back; here the insert has committed already.
        if (message.email === "then-fail@example.com") {
          throw new DomainError(Code.Unavailable, "failed after its statement");
        }
        return stored;
      },
      { idempotent: true, autocommit: true },
    ),
    on(
      OrderPlacedSchema,
      async (message, { emit }) => {
        await emit(OrderPlacedSchema, message, { key: message.orderId });
      },
      { idempotent: true, autocommit: true },
    ),
  ],
});

describe("an autocommit subscription (idempotent, one statement, no transaction)", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(autocommitted);
  });
  afterAll(() => fn.close());

  it("commits its one statement by itself: handled once, then duplicate, with no processed-event row", async () => {
    const event = registered("u-auto", "auto@example.com");
    await expect(fn.receive(event)).resolves.toBe("handled");
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    await expect(fn.receive(registered("u-auto", "auto@example.com"))).resolves.toBe("duplicate");
    expect((await fn.app.db.select().from(greetings)).filter((g) => g.userId === "u-auto")).toHaveLength(1);
    expect(await fn.app.db.select().from(processedEvents)).toEqual([]);

    // What it wrote before failing stays: which is why such a handler may write with one statement only.
    await expect(fn.receive(registered("u-fail", "then-fail@example.com"))).rejects.toThrow(
      "failed after its statement",
    );
    expect((await fn.app.db.select().from(greetings)).map((g) => g.userId)).toContain("u-fail");
  });

  it("cannot emit (events need the outbox's transaction), and publishes nothing", async () => {
    const placed = toCloudEvent(OrderPlacedSchema, create(OrderPlacedSchema, { orderId: "o-auto" }), {
      source: "/functions/orders",
      key: "o-auto",
    });
    await expect(fn.receive(placed)).rejects.toThrow("an autocommit handler emits nothing");
    expect(await publishedEvents(fn)).toEqual([]);
  });

  it("is refused without idempotent: its processed-event row and its writes would commit apart", () => {
    expect(() => on(UserRegisteredSchema, async () => {}, { autocommit: true })).toThrow(
      "shop.identity.v1.UserRegistered: an autocommit subscription must be idempotent",
    );
  });
});

// A subscription that takes only some messages of its type: the others are none of its business.
const greetingSome = defineFunction({
  ...fixtureFunction,
  subscriptions: [
    on(UserRegisteredSchema, async (message, { db }) => void (await greetOnce(db, message)), {
      when: (message) => message.email.endsWith("@example.com"),
    }),
  ],
});

describe("a subscription with `when` (which messages concern the function)", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(greetingSome);
  });
  afterAll(() => fn.close());

  it("answers 'ignored' to the others, before any write: no handler, no processed-event row", async () => {
    await expect(fn.receive(registered("u-elsewhere", "u@elsewhere.test"))).resolves.toBe("ignored");
    expect(await fn.app.db.select().from(greetings)).toEqual([]);
    expect(await fn.app.db.select().from(processedEvents)).toEqual([]);

    const wanted = registered("u-here", "u@example.com");
    await expect(fn.receive(wanted)).resolves.toBe("handled");
    await expect(fn.receive(wanted)).resolves.toBe("duplicate");
    expect((await fn.app.db.select().from(greetings)).map((g) => g.userId)).toEqual(["u-here"]);
    expect(await fn.app.db.select().from(processedEvents)).toHaveLength(1);
  });

  it("still refuses a malformed event of its type (checked before `when`)", async () => {
    const anonymous = toCloudEvent(
      UserRegisteredSchema,
      create(UserRegisteredSchema, { userId: "", email: "u@elsewhere.test" }),
      { source: "/functions/identity", key: "someone" },
    );
    await expect(fn.receive(anonymous)).rejects.toThrow(MalformedEventError);
  });
});
