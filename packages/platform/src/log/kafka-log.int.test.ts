import { randomUUID } from "node:crypto";
import type { EventLog, LogRecord, OutgoingRecord, Subscription } from "@shop/runtime";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkaLog } from "./kafka-log.ts";

const quiet = { info() {}, warn() {}, error: (obj: object, msg: string) => console.error(msg, obj) };

function record(key: string | null, text: string): OutgoingRecord {
  return { key, value: new TextEncoder().encode(text), headers: { ce_id: text, ce_type: "test.kafka-log" } };
}

const text = (r: LogRecord) => new TextDecoder().decode(r.value);

/** Resolves once `check` holds, failing after a deadline with what was awaited. */
async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("createKafkaLog", () => {
  let log: EventLog;
  const open: Subscription[] = [];
  // Every request any client of the log sent, by Kafka API (what shop_kafka_requests_total counts).
  const requests = new Map<string, number>();

  beforeAll(() => {
    log = createKafkaLog({
      brokers: inject("kafkaBrokers").split(","),
      clientId: "kafka-log-test",
      logger: quiet,
      redeliveryBackoff: { firstMs: 50, maxMs: 200 },
      onRequest: (api) => requests.set(api, (requests.get(api) ?? 0) + 1),
    });
  });

  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await log.close();
  });

  async function topic(): Promise<string> {
    const name = `test.${randomUUID()}`;
    await log.ensureTopics([name]);
    return name;
  }

  async function subscribe(...args: Parameters<EventLog["subscribe"]>): Promise<Subscription> {
    const subscription = await log.subscribe(...args);
    open.push(subscription);
    return subscription;
  }

  it("is ready once the producer is connected", async () => {
    await until(() => log.ready(), "the producer to connect");
  });

  it("keeps each key's records in order and keeps headers, keys and bytes intact", async () => {
    const name = await topic();
    const bytes = new Uint8Array([0, 255, 1, 128, 10, 13]);
    const records = Array.from({ length: 60 }, (_, i) => record(`key-${i % 4}`, `${i % 4}:${i}`));
    records.push({ key: "binary", value: bytes, headers: { ce_id: "bin", ce_note: "ünïcode" } });
    await log.publish(name, records);
    const seen: LogRecord[] = [];
    await subscribe({
      groupId: `g-${randomUUID()}`,
      topic: name,
      ordered: true,
      handler: async (r) => {
        seen.push(r);
      },
    });
    await until(() => seen.length === 61, "61 records");
    for (const key of ["key-0", "key-1", "key-2", "key-3"]) {
      const ofKey = seen.filter((r) => r.key === key);
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      const numbers = ofKey.map((r) => Number(text(r).split(":")[1]));
      expect(numbers).toHaveLength(15);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
    const binary = seen.find((r) => r.key === "binary")!;
    expect([...binary.value]).toEqual([...bytes]);
    expect(binary.headers).toEqual({ ce_id: "bin", ce_note: "ünïcode" });
    expect(binary.topic).toBe(name);
  });

  it("gives every group every record", async () => {
    const name = await topic();
    await log.publish(
      name,
      ["a", "b", "c", "d"].map((t) => record(null, t)),
    );
    const seen: Record<string, string[]> = { one: [], two: [] };
    for (const group of ["one", "two"]) {
      await subscribe({
        groupId: `${group}-${randomUUID()}`,
        topic: name,
        ordered: false,
        handler: async (r) => {
          seen[group]!.push(text(r));
        },
      });
    }
    await until(() => seen.one!.length >= 4 && seen.two!.length >= 4, "both groups to see 4 records");
    expect(seen.one!.sort()).toEqual(["a", "b", "c", "d"]);
    expect(seen.two!.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("reports every request its producer, consumers and admin send, by Kafka API", async () => {
    const before = new Map(requests);
    const grew = (api: string) => (requests.get(api) ?? 0) > (before.get(api) ?? 0);
    const name = await topic();
    await log.publish(name, [record(null, "counted")]);
    const seen: string[] = [];
    await subscribe({
      groupId: `counted-${randomUUID()}`,
      topic: name,
      ordered: false,
      handler: async (r) => {
        seen.push(text(r));
      },
    });
    await until(
      () => seen.length === 1 && grew("OffsetCommit"),
      "the record handled and its offset committed",
    );
    for (const api of ["CreateTopics", "Produce", "Fetch", "OffsetCommit"]) expect(grew(api), api).toBe(true);
  });

  it("redelivers a failed record, commits nothing past it meanwhile, and resumes there after close", async () => {
    const name = await topic();
    const groupId = `g-${randomUUID()}`;
    await log.publish(
      name,
      ["1", "2", "3", "4"].map((t) => record("same", t)),
    );
    const attempts: string[] = [];
    const first = await log.subscribe({
      groupId,
      topic: name,
      ordered: true,
      handler: async (r) => {
        attempts.push(text(r));
        if (text(r) === "3") throw new Error("subscriber down");
      },
    });
    await until(() => attempts.filter((a) => a === "3").length >= 3, "3 attempts of record 3");
    await first.close();
    expect(attempts.slice(0, 3)).toEqual(["1", "2", "3"]);
    expect(attempts).not.toContain("4");

    // A new member of the group starts at the failed record: 1 and 2 were committed, 3 was not.
    const resumed: string[] = [];
    await subscribe({
      groupId,
      topic: name,
      ordered: true,
      handler: async (r) => {
        resumed.push(text(r));
      },
    });
    await until(() => resumed.length >= 2, "records 3 and 4");
    expect(resumed).toEqual(["3", "4"]);
  });

  it("passes over records it does not accept, and a group closed cleanly resumes after all it saw", async () => {
    const name = await topic();
    const groupId = `g-${randomUUID()}`;
    await log.publish(
      name,
      ["take-1", "skip-2", "take-3", "skip-4"].map((t) => record("same", t)),
    );
    const accepts = (r: LogRecord) => text(r).startsWith("take");
    const seen: string[] = [];
    const first = await log.subscribe({
      groupId,
      topic: name,
      ordered: false,
      accepts,
      handler: async (r) => void seen.push(text(r)),
    });
    await until(() => seen.length === 2, "the two accepted records");
    await first.close();
    expect(seen).toEqual(["take-1", "take-3"]);

    // Nothing handled (or passed over) is handed out again to the next member of the group.
    await log.publish(name, [record("same", "take-5")]);
    const resumed: string[] = [];
    await subscribe({
      groupId,
      topic: name,
      ordered: true,
      handler: async (r) => void resumed.push(text(r)),
    });
    await until(() => resumed.length >= 1, "take-5");
    expect(resumed).toEqual(["take-5"]);
  });

  it("starts its consumer again after a crash kafkajs gives up on, and delivers what came after it", async () => {
    const name = await topic();
    await log.publish(name, [record("same", "before")]);
    const seen: string[] = [];
    let crashed = false;
    await subscribe({
      groupId: `g-${randomUUID()}`,
      topic: name,
      ordered: true,
      // Once, a failure kafkajs calls non-retriable (as its ILLEGAL_GENERATION and
      // REBALANCE_IN_PROGRESS are): before kafka-consumer.ts started such a consumer again, it stayed
      // stopped and the subscription delivered nothing more.
      accepts: (r) => {
        if (text(r) === "crash" && !crashed) {
          crashed = true;
          throw Object.assign(new Error("a failure kafkajs does not retry"), { retriable: false });
        }
        return true;
      },
      handler: async (r) => void seen.push(text(r)),
    });
    await until(() => seen.length === 1, "the record before the crash");
    await log.publish(name, [record("same", "crash"), record("same", "after")]);
    await until(() => seen.includes("after"), "the records of and after the crash", 60_000);
    // At least once: "before" comes again when the crash came before its offset was committed.
    expect(seen.filter((t) => t !== "before")).toEqual(["crash", "after"]);
    expect(crashed).toBe(true);
  }, 90_000);

  it("starts a new group at the end when fromBeginning is false", async () => {
    const name = await topic();
    await log.publish(name, [record("k", "old")]);
    const seen: string[] = [];
    await subscribe({
      groupId: `g-${randomUUID()}`,
      topic: name,
      ordered: true,
      fromBeginning: false,
      handler: async (r) => {
        seen.push(text(r));
      },
    });
    await log.publish(name, [record("k", "new")]);
    await until(() => seen.length === 1, "the new record");
    expect(seen).toEqual(["new"]);
  });

  it("tells a subscription's lag as Kafka has it: records its group has not committed", async () => {
    const name = await topic();
    await log.publish(name, [record("a", "1"), record("b", "2"), record("c", "3")]);
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handled = 0;
    const subscription = await subscribe({
      groupId: `g-${randomUUID()}`,
      topic: name,
      ordered: true,
      handler: async () => {
        await gate;
        handled++;
      },
    });
    // Nothing handled, so nothing committed: every record is behind.
    expect(await subscription.lag?.()).toBe(3);
    release?.();
    await until(() => handled === 3, "3 records handled");
    await until(async () => (await subscription.lag?.()) === 0, "no lag once committed");
  });

  it("closes cleanly: close() ends a subscription stuck on a failing record and publishing stops", async () => {
    const own = createKafkaLog({
      brokers: inject("kafkaBrokers").split(","),
      clientId: "kafka-log-close-test",
      logger: quiet,
      redeliveryBackoff: { firstMs: 60_000, maxMs: 60_000 },
    });
    const name = `test.${randomUUID()}`;
    await own.ensureTopics([name]);
    await own.publish(name, [record("k", "x")]);
    let attempts = 0;
    await own.subscribe({
      groupId: `g-${randomUUID()}`,
      topic: name,
      ordered: true,
      handler: async () => {
        attempts++;
        throw new Error("down");
      },
    });
    await until(() => attempts === 1, "the first attempt");
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await own.ready()).toBe(false);
    await expect(own.publish(name, [record("k", "late")])).rejects.toThrow(/closed/);
  });
});
