import { describe, expect, it } from "vitest";
import { publishQueue } from "./publish-queue.ts";

/** A producer whose requests stay in flight until the test answers them. */
function producer() {
  const requests: { topic: string; messages: string[]; answer: (error?: Error) => void }[] = [];
  const send = (topic: string, messages: string[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ topic, messages, answer: (error) => (error ? reject(error) : resolve()) });
    });
  const sent = () => requests.map((r) => `${r.topic}: ${r.messages.join(" ")}`);
  return { requests, send, sent };
}

/** Lets the queue's promise chain move on to its next request. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("a producer's publish queue", () => {
  it("sends a publish at once when its topic has nothing in flight, and what waited meanwhile together next", async () => {
    const { requests, send, sent } = producer();
    const publish = publishQueue(send);
    const first = publish("shop.events", ["a1", "a2"]);
    const second = publish("shop.events", ["b1"]);
    // Another topic does not wait for this one.
    const dlq = publish("shop.events.dlq", ["c1"]);
    const third = publish("shop.events", ["d1"]);
    expect(sent()).toEqual(["shop.events: a1 a2", "shop.events.dlq: c1"]);

    requests[0]!.answer();
    await first;
    await settle();
    expect(sent()).toEqual(["shop.events: a1 a2", "shop.events.dlq: c1", "shop.events: b1 d1"]);
    requests[1]!.answer();
    requests[2]!.answer();
    await expect(Promise.all([second, dlq, third])).resolves.toEqual([undefined, undefined, undefined]);
  });

  it("sends each publish of a failed shared request again alone: only the one that fails again rejects", async () => {
    const { requests, send, sent } = producer();
    const publish = publishQueue(send);
    const first = publish("t", ["a"]);
    const good = publish("t", ["b"]);
    const bad = publish("t", ["too-large"]);
    requests[0]!.answer();
    await first;
    await settle();
    requests[1]!.answer(new Error("MESSAGE_TOO_LARGE"));
    await settle();
    expect(sent()).toEqual(["t: a", "t: b too-large", "t: b"]);
    requests[2]!.answer();
    await settle();
    requests[3]!.answer(new Error("MESSAGE_TOO_LARGE"));
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow("MESSAGE_TOO_LARGE");
    expect(sent()).toEqual(["t: a", "t: b too-large", "t: b", "t: too-large"]);

    // A publish alone that fails rejects, and the queue goes on.
    const alone = publish("t", ["x"]);
    requests[4]!.answer(new Error("NOT_ENOUGH_REPLICAS"));
    await expect(alone).rejects.toThrow("NOT_ENOUGH_REPLICAS");
    const next = publish("t", ["y"]);
    requests[5]!.answer();
    await expect(next).resolves.toBeUndefined();
  });

  it("keeps a request to the record limit, never splitting one publish", async () => {
    const { requests, send, sent } = producer();
    const publish = publishQueue(send, 3);
    const pending = [
      publish("t", ["x"]),
      publish("t", ["a", "b"]),
      publish("t", ["c"]),
      publish("t", ["d", "e", "f", "g"]),
    ];
    for (let i = 0; i < 3; i++) {
      requests[i]?.answer();
      await settle();
    }
    await Promise.all(pending);
    expect(sent()).toEqual(["t: x", "t: a b c", "t: d e f g"]);
  });
});
