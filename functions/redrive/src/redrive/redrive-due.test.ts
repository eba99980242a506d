import { captureLogs } from "@shop/runtime/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Clock,
  counted,
  deadLettered,
  orderPriced,
  type Redrive,
  type Subscriber,
  startRedrive,
  startSubscriber,
  storedLetters,
  testClock,
} from "../test-support.ts";
import { redriveDue } from "./redrive-due.ts";

const SECOND = 1000;
const clock: Clock = testClock();
const logs = captureLogs("redrive", "info");
let fn: Redrive;
let subscriber: Subscriber;

beforeAll(async () => {
  // A horizon of 2 minutes: redrives after 10 s, 30 s, 1 min (at 1m40 the next would be past it).
  fn = await startRedrive(clock, { logger: logs.logger, settings: { horizonMs: 2 * 60 * SECOND } });
});
afterAll(() => fn.close());
beforeEach(async () => {
  subscriber = await startSubscriber();
});
afterEach(() => subscriber.close());

/** Delivers a dead letter of a 500 from `subscriber` for order `orderId` to redrive. */
async function failedWith500(orderId: string) {
  const event = orderPriced(orderId);
  await fn.receive(deadLettered(event, { code: 500, reason: "handler failed", destination: subscriber.url }));
  return event;
}

async function letterOf(id: string) {
  return (await storedLetters(fn)).find((l) => l.eventId === id)!;
}

describe("redriving due dead letters", () => {
  it("POSTs the original event to its subscriber once due, without Knative's extensions, and marks it redriven", async () => {
    const event = await failedWith500("o-redriven");
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(0);

    clock.advance(10 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(1);
    const [{ headers, body }] = subscriber.deliveries as [(typeof subscriber.deliveries)[number]];
    expect(headers).toMatchObject({
      "ce-id": event.id,
      "ce-source": "/functions/promotions",
      "ce-type": "shop.promotions.v1.OrderPriced",
      "ce-specversion": "1.0",
      "ce-partitionkey": "o-redriven",
      "content-type": "application/protobuf",
    });
    expect(Object.keys(headers).filter((h) => h.startsWith("ce-knativeerror"))).toEqual([]);
    expect(Buffer.from(body).equals(Buffer.from(event.data!))).toBe(true);
    expect(await letterOf(event.id)).toMatchObject({ state: "redriven", attempts: 1, errorCode: 200 });

    // Done: never again, however long.
    clock.advance(60 * 60 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(1);
    expect(await counted(fn, "shop_dead_letters_redriven_total")).toBe(1);
  });

  it("reschedules a failed redrive with the next delay, and redrives again when that is due", async () => {
    subscriber.answer = () => ({ status: 503, body: "database unavailable" });
    const event = await failedWith500("o-later");
    clock.advance(10 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(1);
    const after = await letterOf(event.id);
    expect(after).toMatchObject({ state: "waiting", attempts: 1, errorCode: 503 });
    expect(after.lastError).toBe("redrive 1: the subscriber answered 503: database unavailable");
    expect(after.nextAttemptAt).toEqual(new Date(clock.now().getTime() + 30 * SECOND));

    clock.advance(29 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(1);
    clock.advance(SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(2);
    expect((await letterOf(event.id)).nextAttemptAt).toEqual(new Date(clock.now().getTime() + 60 * SECOND));

    subscriber.answer = () => ({ status: 202 });
    clock.advance(60 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(3);
    expect(await letterOf(event.id)).toMatchObject({ state: "redriven", attempts: 3 });
  });

  it("gives up at the horizon: the letter stays dead as exhausted, and is reported", async () => {
    subscriber.answer = () => ({ status: 500, body: "still broken" });
    const event = await failedWith500("o-exhausted");
    for (const step of [10, 30, 60]) {
      clock.advance(step * SECOND);
      await fn.tick();
    }
    expect(subscriber.deliveries).toHaveLength(3);
    expect(await letterOf(event.id)).toMatchObject({
      state: "exhausted",
      attempts: 3,
      lastError: "redrive 3: the subscriber answered 500: still broken",
    });
    clock.advance(60 * 60 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(3);
    expect(await counted(fn, "shop_dead_letters_exhausted_total")).toBe(1);
    const warning = logs.lines().find((l) => l.includes("at its horizon") && l.includes(event.id));
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, eventType: "shop.promotions.v1.OrderPriced" });
  });

  it("keeps dead a letter whose subscriber refuses the redriven event as malformed", async () => {
    subscriber.answer = () => ({ status: 400, body: "orderId is not a known order" });
    const event = await failedWith500("o-refused");
    clock.advance(10 * SECOND);
    await fn.tick();
    clock.advance(60 * 60 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(1);
    expect(await letterOf(event.id)).toMatchObject({
      kind: "malformed",
      state: "dead",
      lastError: "redrive 1: the subscriber answered 400: orderId is not a known order",
    });
    expect(await counted(fn, "shop_dead_letters_refused_total")).toBe(1);
  });

  it("takes at most a batch per round and leaves what is taken to the one redriving it", async () => {
    const events = [
      await failedWith500("o-batch-1"),
      await failedWith500("o-batch-2"),
      await failedWith500("o-batch-3"),
    ];
    clock.advance(10 * SECOND);
    // A delivery that never completes stands for a replica still redriving: its letters stay leased.
    const round = { ...fn.deps, deliver: () => new Promise<never>(() => {}) };
    void redriveDue(fn.app, { limit: 2 }, round);
    await expect
      .poll(async () => (await storedLetters(fn)).filter((l) => l.nextAttemptAt! > clock.now()).length)
      .toBe(2);
    const rest = await redriveDue(fn.app, { limit: 2 }, fn.deps);
    expect(rest.claimed).toBe(1);
    expect(subscriber.deliveries.map((d) => d.headers["ce-id"])).toEqual([
      events.find((e) => rest.outcomes[0]!.letter.eventId === e.id)!.id,
    ]);
  });
  it("counts no answer at all as a failure to try again", async () => {
    const gone = subscriber.url;
    await subscriber.close();
    const event = orderPriced("o-gone");
    await fn.receive(deadLettered(event, { reason: "connect ECONNREFUSED", destination: gone }));
    clock.advance(10 * SECOND);
    await fn.tick();
    const letter = await letterOf(event.id);
    expect(letter).toMatchObject({ state: "waiting", attempts: 1, errorCode: null });
    expect(letter.lastError).toMatch(
      /^redrive 1: the subscriber did not answer: fetch failed: .*ECONNREFUSED/,
    );
    subscriber = await startSubscriber(); // for afterEach
  });
});
