import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { LogRecord, OutgoingRecord } from "./event-log.ts";
import { createMemoryLog } from "./memory-log.ts";

function record(text: string): OutgoingRecord {
  // One key: every record in one partition, so the counts below are exact.
  return { key: "k", value: new TextEncoder().encode(text), headers: { ce_id: text } };
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => record(String(from + i)));

const text = (r: LogRecord) => new TextDecoder().decode(r.value);

/** Resolves once `check` holds, failing after a deadline with what was seen. */
async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A subscription recording what it is handed, by group. */
async function reader(
  log: ReturnType<typeof createMemoryLog>,
  topic: string,
  groupId: string,
  extra: { ordered?: boolean; transient?: boolean; gate?: Promise<void> } = {},
) {
  const seen: LogRecord[] = [];
  const subscription = await log.subscribe({
    groupId,
    topic,
    ordered: extra.ordered ?? true,
    ...(extra.transient ? { transient: true } : {}),
    handler: async (r) => {
      await extra.gate;
      seen.push(r);
    },
  });
  return { seen, subscription };
}

describe("createMemoryLog's retention", () => {
  it("drops the records every group has read, keeping the newest retainRecords", async () => {
    const log = createMemoryLog({ partitions: 1, retainRecords: 2 });
    const topic = `test.${randomUUID()}`;
    const { seen } = await reader(log, topic, "g", { ordered: false });
    await log.publish(topic, numbered(1, 10));
    await until(() => seen.length === 10, "10 records");
    await log.publish(topic, numbered(11, 11));
    await until(() => seen.length === 11, "the 11th record");
    expect(log.held?.()).toBe(2);
    // A group joining from the beginning starts at the earliest record kept, offsets unchanged.
    const late = await reader(log, topic, "late");
    await until(() => late.seen.length === 2, "the records kept");
    expect(late.seen.map((r) => [text(r), r.offset])).toEqual([
      ["10", "9"],
      ["11", "10"],
    ]);
    await log.close();
  });

  it("keeps every record a group has not handled yet, however many", async () => {
    const log = createMemoryLog({ partitions: 1, retainRecords: 2 });
    const topic = `test.${randomUUID()}`;
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const fast = await reader(log, topic, "fast");
    const slow = await reader(log, topic, "slow", { gate });
    await log.publish(topic, numbered(1, 20));
    await until(() => fast.seen.length === 20, "the fast group's 20");
    await log.publish(topic, numbered(21, 21));
    expect(log.held?.()).toBe(21);
    expect(await slow.subscription.lag?.()).toBe(21);
    open();
    await until(() => slow.seen.length === 21, "the slow group's 21");
    expect(slow.seen.map(text)).toEqual(numbered(1, 21).map((r) => new TextDecoder().decode(r.value)));
    await log.publish(topic, numbered(22, 22));
    await until(() => slow.seen.length === 22 && fast.seen.length === 22, "the 22nd record");
    expect(log.held?.()).toBe(2);
    expect(await slow.subscription.lag?.()).toBe(0);
    await log.close();
  });

  it("holds records back for a closed group until it resumes, and not for a closed transient one", async () => {
    const log = createMemoryLog({ partitions: 1, retainRecords: 0 });
    const topic = `test.${randomUUID()}`;
    const live = await reader(log, topic, "live");
    const paused = await reader(log, topic, "paused");
    const tail = await reader(log, topic, `tail-${randomUUID()}`, { transient: true });
    await log.publish(topic, numbered(1, 3));
    await until(() => paused.seen.length === 3 && tail.seen.length === 3, "3 records each");
    await paused.subscription.close();
    await tail.subscription.close();
    await log.publish(topic, numbered(4, 8));
    await until(() => live.seen.length === 8, "the live group's 8");
    // The paused group has read 3: the 5 after them stay; the tail's group holds nothing back.
    expect(log.held?.()).toBe(5);
    const resumed = await reader(log, topic, "paused");
    await until(() => resumed.seen.length === 5, "the paused group's 5");
    expect(resumed.seen.map(text)).toEqual(["4", "5", "6", "7", "8"]);
    await log.publish(topic, numbered(9, 9));
    await until(() => resumed.seen.length === 6 && live.seen.length === 9, "the 9th record");
    // Retention runs at an append: everything before the 9th went once both groups had it.
    expect(log.held?.()).toBe(1);
    await log.close();
  });
});
