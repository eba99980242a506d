import { randomUUID } from "node:crypto";
import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import type { EventLog, LogRecord, OutgoingRecord } from "./event-log.ts";
import { createMemoryLog, partitionForKey } from "./memory-log.ts";

const fastRetry = { firstMs: 5, maxMs: 20 };

function record(key: string | null, text: string): OutgoingRecord {
  return { key, value: new TextEncoder().encode(text), headers: { ce_id: text } };
}

const text = (r: LogRecord) => new TextDecoder().decode(r.value);

/** Resolves once `check` holds, failing after a deadline with what was seen. */
async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function withLog(test: (log: EventLog) => Promise<void>): Promise<void> {
  const log = createMemoryLog({ partitions: 3, redeliveryBackoff: fastRetry });
  try {
    await test(log);
  } finally {
    await log.close();
  }
}

describe("createMemoryLog", () => {
  it("puts a key in the partition Kafka's default partitioner picks", () => {
    const kafka = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2, 3, 4].map((partitionId) => ({
      partitionId,
      partitionErrorCode: 0,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    for (const key of ["", "a", "ab", "abc", "abcd", "order-17", randomUUID(), "zürich-€"]) {
      const expected = kafka({ topic: "t", partitionMetadata, message: { key, value: null } });
      expect(partitionForKey(key, 5), key).toBe(expected);
    }
  });

  it("keeps the records of one key in order, in one partition", () =>
    withLog(async (log) => {
      const topic = `test.${randomUUID()}`;
      await log.publish(
        topic,
        Array.from({ length: 30 }, (_, i) => record(`key-${i % 3}`, `${i % 3}:${i}`)),
      );
      const seen: LogRecord[] = [];
      await log.subscribe({
        groupId: "g",
        topic,
        ordered: true,
        handler: async (r) => {
          // Uneven handling times would reorder the records of a partition handled concurrently.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
          seen.push(r);
        },
      });
      await until(() => seen.length === 30, "30 records");
      for (const key of ["key-0", "key-1", "key-2"]) {
        const ofKey = seen.filter((r) => r.key === key);
        expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
        const numbers = ofKey.map((r) => Number(text(r).split(":")[1]));
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      }
    }));

  it("gives every group every record, including ones published while it waits", () =>
    withLog(async (log) => {
      const topic = `test.${randomUUID()}`;
      await log.publish(topic, [record(null, "a"), record(null, "b")]);
      const seen: Record<string, string[]> = { one: [], two: [] };
      for (const groupId of ["one", "two"]) {
        await log.subscribe({
          groupId,
          topic,
          ordered: true,
          handler: async (r) => {
            seen[groupId]!.push(text(r));
          },
        });
      }
      await log.publish(topic, [record(null, "c")]);
      await until(() => seen.one!.length === 3 && seen.two!.length === 3, "both groups to see 3 records");
      expect(seen.one!.sort()).toEqual(["a", "b", "c"]);
      expect(seen.two!.sort()).toEqual(["a", "b", "c"]);
    }));

  it("passes over the records a subscription does not accept, ordered or not, and resumes after them", () =>
    withLog(async (log) => {
      const accepts = (r: LogRecord) => text(r).startsWith("take");
      for (const ordered of [true, false]) {
        const topic = `test.${randomUUID()}`;
        await log.publish(
          topic,
          ["take-1", "skip-2", "take-3", "skip-4"].map((t) => record("k", t)),
        );
        const seen: string[] = [];
        const handler = async (r: LogRecord) => void seen.push(text(r));
        const first = await log.subscribe({ groupId: "g", topic, ordered, accepts, handler });
        await until(() => seen.length === 2, "the two accepted records");
        await first.close();
        await log.publish(topic, [record("k", "take-5")]);
        await log.subscribe({ groupId: "g", topic, ordered, accepts, handler });
        await until(() => seen.length === 3, "the new record");
        expect(seen).toEqual(["take-1", "take-3", "take-5"]);
      }
    }));

  it("starts a new group at the end when fromBeginning is false", () =>
    withLog(async (log) => {
      const topic = `test.${randomUUID()}`;
      await log.publish(topic, [record("k", "old")]);
      const seen: string[] = [];
      await log.subscribe({
        groupId: "late",
        topic,
        ordered: true,
        fromBeginning: false,
        handler: async (r) => {
          seen.push(text(r));
        },
      });
      await log.publish(topic, [record("k", "new")]);
      await until(() => seen.length === 1, "the new record");
      expect(seen).toEqual(["new"]);
    }));

  it("hands a failed record over again and nothing after it in its partition first (ordered)", () =>
    withLog(async (log) => {
      const topic = `test.${randomUUID()}`;
      await log.publish(
        topic,
        ["1", "2", "3", "4"].map((n) => record("same", n)),
      );
      const attempts: string[] = [];
      let failuresLeft = 2;
      await log.subscribe({
        groupId: "g",
        topic,
        ordered: true,
        handler: async (r) => {
          attempts.push(text(r));
          if (text(r) === "2" && failuresLeft-- > 0) throw new Error("subscriber down");
        },
      });
      await until(() => attempts.length === 6, "6 attempts");
      expect(attempts).toEqual(["1", "2", "2", "2", "3", "4"]);
    }));

  it("redelivers a failed record in unordered mode too", () =>
    withLog(async (log) => {
      const topic = `test.${randomUUID()}`;
      await log.publish(topic, [record("k", "x")]);
      let attempts = 0;
      await log.subscribe({
        groupId: "g",
        topic,
        ordered: false,
        handler: async () => {
          attempts++;
          if (attempts < 3) throw new Error("not yet");
        },
      });
      await until(() => attempts === 3, "3 attempts");
    }));

  it("resumes a group after close() at the first record it did not handle", async () => {
    const log = createMemoryLog({ redeliveryBackoff: fastRetry });
    const topic = `test.${randomUUID()}`;
    await log.publish(
      topic,
      ["1", "2", "3"].map((n) => record("k", n)),
    );
    const seen: string[] = [];
    const first = await log.subscribe({
      groupId: "g",
      topic,
      ordered: true,
      handler: async (r) => {
        seen.push(text(r));
        if (text(r) === "2") throw new Error("always fails for the first member");
      },
    });
    await until(() => seen.length >= 2, "the failing record");
    await first.close();
    const after: string[] = [];
    const second = await log.subscribe({
      groupId: "g",
      topic,
      ordered: true,
      handler: async (r) => {
        after.push(text(r));
      },
    });
    await until(() => after.length === 2, "the rest");
    expect(after).toEqual(["2", "3"]);
    expect(seen.filter((s) => s === "3")).toEqual([]);
    await second.close();
    await log.close();
  });

  it("closes promptly while a record is being retried and refuses a second member of a group", async () => {
    const topic = `test.${randomUUID()}`;
    const slowRetry = createMemoryLog({ redeliveryBackoff: { firstMs: 60_000, maxMs: 60_000 } });
    await slowRetry.publish(topic, [record("k", "x")]);
    let attempts = 0;
    const sub = await slowRetry.subscribe({
      groupId: "g",
      topic,
      ordered: true,
      handler: async () => {
        attempts++;
        throw new Error("down");
      },
    });
    await until(() => attempts === 1, "the first attempt");
    await expect(
      slowRetry.subscribe({ groupId: "g", topic, ordered: true, handler: async () => {} }),
    ).rejects.toThrow(/one member per consumer group/);
    const started = Date.now();
    await sub.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await slowRetry.close();
  });
});
