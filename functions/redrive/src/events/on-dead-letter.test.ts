import { MalformedEventError } from "@shop/runtime";
import { captureLogs } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  counted,
  deadLettered,
  orderPriced,
  type Redrive,
  type Subscriber,
  startRedrive,
  startSubscriber,
  storedLetters,
  testClock,
  wrappedRecord,
} from "../test-support.ts";

const HOUR = 60 * 60 * 1000;
const clock = testClock();
const logs = captureLogs("redrive", "info");
let fn: Redrive;
let subscriber: Subscriber;

beforeAll(async () => {
  fn = await startRedrive(clock, { logger: logs.logger });
  subscriber = await startSubscriber();
});
afterAll(async () => {
  await subscriber.close();
  await fn.close();
});

const letterOf = async (id: string) => (await storedLetters(fn)).filter((l) => l.eventId === id);
const linesAbout = (id: string) =>
  logs
    .lines()
    .filter((l) => l.includes(id))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("on a dead letter", () => {
  it("stores a transient one to be redriven in 10 s, and says so", async () => {
    const event = orderPriced("o-transient");
    await expect(
      fn.receive(deadLettered(event, { code: 503, reason: "no database", destination: subscriber.url })),
    ).resolves.toBe("handled");
    const [letter] = await letterOf(event.id);
    expect(letter).toMatchObject({
      kind: "transient",
      state: "waiting",
      eventType: "shop.promotions.v1.OrderPriced",
      eventSource: "/functions/promotions",
      destination: subscriber.url,
      errorCode: 503,
      reason: "the subscriber answered 503: no database",
      attempts: 0,
      nextAttemptAt: new Date(clock.now().getTime() + 10_000),
      giveUpAt: new Date(clock.now().getTime() + 6 * HOUR),
    });
    expect(Object.keys(letter!.attributes).filter((a) => a.startsWith("knativeerror"))).toEqual([]);
    expect(letter!.attributes).toMatchObject({ id: event.id, partitionkey: "o-transient" });
    expect(await counted(fn, "shop_dead_letters_total", { reason: "transient" })).toBe(1);
    expect(linesAbout(event.id)).toEqual([expect.objectContaining({ msg: "dead letter will be redriven" })]);
  });

  it("keeps a malformed one dead, reports it at once with its reason, and never redrives it", async () => {
    const event = orderPriced("o-malformed");
    await fn.receive(
      deadLettered(event, {
        code: 400,
        reason: "data is not a valid shop.promotions.v1.OrderPriced",
        destination: subscriber.url,
      }),
    );
    const reason = "the subscriber refused it with 400: data is not a valid shop.promotions.v1.OrderPriced";
    expect(await letterOf(event.id)).toEqual([
      expect.objectContaining({ kind: "malformed", state: "dead", reason, resolvedAt: clock.now() }),
    ]);
    expect(linesAbout(event.id)).toEqual([
      expect.objectContaining({ level: 40, msg: `dead letter stays dead: ${reason}`, reason }),
    ]);
    expect(await counted(fn, "shop_dead_letters_total", { reason: "malformed" })).toBe(1);

    for (let i = 0; i < 8; i++) {
      clock.advance(HOUR);
      await fn.tick();
    }
    expect(subscriber.deliveries.filter((d) => d.headers["ce-id"] === event.id)).toEqual([]);
    expect((await letterOf(event.id))[0]?.state).toBe("dead");
  });

  it("keeps dead a record that was no CloudEvent, as the KafkaSource wraps it", async () => {
    const wrapped = wrappedRecord(7, subscriber.url, "not a CloudEvent 1.0: ce_specversion is missing");
    await fn.receive(wrapped);
    expect(await letterOf("partition:0/offset:7")).toEqual([
      expect.objectContaining({
        kind: "malformed",
        state: "dead",
        eventType: "dev.knative.kafka.event",
        destination: subscriber.url,
        reason:
          "not a CloudEvent, so no subscriber can take it: not a CloudEvent 1.0: ce_specversion is missing",
      }),
    ]);
  });

  it("takes the same letter delivered again once, and the same event failed at two subscribers twice", async () => {
    const event = orderPriced("o-twice");
    const before = await counted(fn, "shop_dead_letters_total", { reason: "transient" });
    const letter = deadLettered(event, { code: 500, reason: "handler failed", destination: subscriber.url });
    await fn.receive(letter);
    await fn.receive(letter);
    await fn.receive(
      deadLettered(event, { code: 500, reason: "handler failed", destination: "http://127.0.0.1:1/other/" }),
    );
    expect((await letterOf(event.id)).map((l) => l.destination).sort()).toEqual([
      "http://127.0.0.1:1/other/",
      subscriber.url,
    ]);
    expect(await counted(fn, "shop_dead_letters_total", { reason: "transient" })).toBe(before + 2);
  });

  it("starts over when a letter already redriven fails at its subscriber again", async () => {
    const event = orderPriced("o-again");
    const letter = deadLettered(event, { code: 500, reason: "handler failed", destination: subscriber.url });
    await fn.receive(letter);
    clock.advance(10_000);
    await fn.tick();
    expect((await letterOf(event.id))[0]?.state).toBe("redriven");
    await fn.receive(letter);
    expect(await letterOf(event.id)).toEqual([
      expect.objectContaining({ state: "waiting", attempts: 0, resolvedAt: null }),
    ]);
  });

  it("refuses an event nobody dead-lettered (4xx): there is nothing to redrive", async () => {
    const event = orderPriced("o-not-dead");
    await expect(fn.receive(event)).rejects.toBeInstanceOf(MalformedEventError);
    await expect(fn.receive(event)).rejects.toThrow(/is not a dead letter/);
    expect(await letterOf(event.id)).toEqual([]);
  });
});
