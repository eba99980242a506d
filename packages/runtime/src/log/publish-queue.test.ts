import { describe, expect, it } from "vitest";
import { publishQueue, type TopicBatch } from "./publish-queue.ts";

/** A producer whose requests stay in flight until the test answers them. */
function producer() {
  const requests: { batches: TopicBatch<string>[]; answer: (error?: Error) => void }[] = [];
  const send = (batches: TopicBatch<string>[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ batches, answer: (error) => (error ? reject(error) : resolve()) });
    });
  return { requests, send };
}

/** Lets the queue's promise chain move on to its next request. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("a producer's publish queue", () => {
  it("sends a publish at once when nothing is in flight, and the ones asked for meanwhile together next", async () => {
    const { requests, send } = producer();
    const publish = publishQueue(send);
    const first = publish("shop.events", ["a1", "a2"]);
    expect(requests.map((r) => r.batches)).toEqual([[{ topic: "shop.events", messages: ["a1", "a2"] }]]);

    const second = publish("shop.events", ["b1"]);
    const third = publish("shop.events.dlq", ["c1"]);
    const fourth = publish("shop.events", ["d1"]);
    expect(requests).toHaveLength(1);

    requests[0]!.answer();
    await first;
    await settle();
    expect(requests.map((r) => r.batches)).toEqual([
      [{ topic: "shop.events", messages: ["a1", "a2"] }],
      [
        { topic: "shop.events", messages: ["b1", "d1"] },
        { topic: "shop.events.dlq", messages: ["c1"] },
      ],
    ]);
    requests[1]!.answer();
    await expect(Promise.all([second, third, fourth])).resolves.toEqual([undefined, undefined, undefined]);
  });

  it("rejects every publish of a failed request, and the next publishes still go out", async () => {
    const { requests, send } = producer();
    const publish = publishQueue(send);
    const first = publish("t", ["a"]);
    const second = publish("t", ["b"]);
    const third = publish("t", ["c"]);
    requests[0]!.answer();
    await first;
    await settle();
    requests[1]!.answer(new Error("NOT_ENOUGH_REPLICAS"));
    await expect(second).rejects.toThrow("NOT_ENOUGH_REPLICAS");
    await expect(third).rejects.toThrow("NOT_ENOUGH_REPLICAS");

    const fourth = publish("t", ["d"]);
    expect(requests.map((r) => r.batches.flatMap((b) => b.messages))).toEqual([["a"], ["b", "c"], ["d"]]);
    requests[2]!.answer();
    await expect(fourth).resolves.toBeUndefined();
  });

  it("keeps a request to the record limit, never splitting one publish", async () => {
    const { requests, send } = producer();
    const publish = publishQueue(send, 3);
    const pending = [
      publish("t", ["x"]),
      publish("t", ["a", "b"]),
      publish("t", ["c"]),
      publish("t", ["d", "e", "f", "g"]),
    ];
    for (let i = 0; i < 4; i++) {
      requests[i]?.answer();
      await settle();
    }
    await Promise.all(pending);
    expect(requests.map((r) => r.batches.flatMap((b) => b.messages))).toEqual([
      ["x"],
      ["a", "b", "c"],
      ["d", "e", "f", "g"],
    ]);
  });
});
