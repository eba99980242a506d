import { create } from "@bufbuild/protobuf";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { CloudEvent } from "cloudevents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCloudEvent } from "./events/codec.ts";
import { PING_TYPE } from "./events/subscriptions.ts";
import type { RunningFunction } from "./function.ts";
import { defineFunction } from "./function.ts";
import { fixtureFunction } from "./testing/fixture/fixture.ts";
import { greetings } from "./testing/fixture/schema.ts";
import { publishedEvents, startForTest, waitFor } from "./testing/index.ts";

function registered(userId: string, email = `${userId}@example.com`, source = "/functions/identity") {
  return toCloudEvent(UserRegisteredSchema, create(UserRegisteredSchema, { userId, email }), {
    source,
    key: userId,
  });
}

describe("a function on the runtime (PGlite, in-memory log)", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(fixtureFunction);
  });
  afterAll(() => fn.close());

  it("writes its effect and its event together, and publishes the event", async () => {
    await expect(fn.receive(registered("u1"))).resolves.toBe("handled");
    expect(await fn.app.db.select().from(greetings)).toMatchObject([{ userId: "u1" }]);
    const events = await publishedEvents(fn);
    expect(events.map((e) => [e.event.type, e.event.source, e.event.partitionkey])).toEqual([
      ["shop.orders.v1.OrderPlaced", "/functions/orders", "welcome-u1"],
    ]);
  });

  it("changes nothing when the same event is delivered again", async () => {
    const event = registered("u2");
    await fn.receive(event);
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    expect((await publishedEvents(fn)).filter((e) => e.event.partitionkey === "welcome-u2")).toHaveLength(1);
  });

  it("keeps nothing of a handler that failed", async () => {
    await expect(fn.receive(registered("u3", "crash@example.com"))).rejects.toThrow(/on purpose/);
    expect((await fn.app.db.select().from(greetings)).map((g) => g.userId)).not.toContain("u3");
  });

  it("refuses an event whose source does not emit its type", async () => {
    await expect(fn.receive(registered("u4", "x@example.com", "/functions/evil"))).rejects.toThrow(
      /comes from/,
    );
  });

  it("refuses an event without the id of its aggregate", async () => {
    const anonymous = toCloudEvent(
      UserRegisteredSchema,
      create(UserRegisteredSchema, { email: "x@example.com" }),
      {
        source: "/functions/identity",
        key: "k",
      },
    );
    await expect(fn.receive(anonymous)).rejects.toThrow(/has no user_id/);
  });

  it("ignores a type it does not consume", async () => {
    const other = registered("u5").cloneWith({ type: "com.example.Other" });
    await expect(fn.receive(other as never)).resolves.toBe("ignored");
  });
});

describe("a function's periodic work (onTick)", () => {
  it("runs on a PingSource tick and on its own timer, one run at a time", async () => {
    let runs = 0;
    let release: () => void = () => {};
    const firstRunHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ticking = defineFunction({
      ...fixtureFunction,
      async onTick() {
        runs++;
        if (runs === 1) await firstRunHeld;
      },
    });
    const fn = await startForTest(ticking, { config: { tickIntervalMs: 20 } });
    try {
      await waitFor(() => runs === 1, { message: "the timer's first run" });
      const ping = new CloudEvent({ type: PING_TYPE, source: "/apis/v1/namespaces/shop/pingsources/tick" });
      const pinged = fn.receive(ping as never);
      await fn.relay.sweep();
      // The tick joins the run in hand instead of starting a second one beside it.
      expect(runs).toBe(1);
      release();
      await expect(pinged).resolves.toBe("swept");
      await waitFor(() => runs >= 2, { message: "the timer's next run" });
    } finally {
      release();
      await fn.close();
    }
  });
});

describe("a function's own metrics", () => {
  it("serves a counter its setup made with the runtime's metrics", async () => {
    const counting = defineFunction({
      ...fixtureFunction,
      setup: ({ metrics }) => ({
        greeted: metrics.counter("shop_fixture_greeted_total", "Greeted", ["kind"]),
      }),
    });
    const fn = await startForTest(counting);
    try {
      fn.deps.greeted.inc({ kind: "warm" });
      const text = await fn.metrics.registry.metrics();
      expect(text).toContain(`shop_fixture_greeted_total{kind="warm",function="${fn.definition.name}"} 1`);
    } finally {
      await fn.close();
    }
  });
});
