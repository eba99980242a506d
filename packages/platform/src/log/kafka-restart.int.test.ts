/**
 * The runner's consumers across a Kafka outage longer than kafkajs's retry window (its consumers
 * crash and restart as new group members): once the broker is back, every record published before,
 * during and after the outage reaches both an ordered and an unordered subscription. Starts its own
 * Kafka (it is stopped here; the int project's shared one stays up for the files beside it). It prints
 * how long after the broker was back each subscription got its first record again (issue 12 measured
 * about 30 s: the old member of each group was only dropped at the end of its session timeout).
 */
import { randomUUID } from "node:crypto";
import type { EventLog, LogRecord, OutgoingRecord } from "@shop/runtime";
import { afterAll, beforeAll, expect, it } from "vitest";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startKafka } from "../../../../infra/local/index.mjs";
import { createKafkaLog } from "./kafka-log.ts";

interface LocalKafka {
  brokers: string;
  stop(): Promise<void>;
  restart(options?: { signal?: "SIGTERM" | "SIGKILL"; downMs?: number }): Promise<void>;
}

// Longer than kafkajs's retries (5, from 0.3 s: about 10 s), so the consumers crash while it is down.
const DOWN_MS = 20_000;
// What kafkajs said of the consumer groups (crashes, restarts, rejoins), printed with the result.
const said: { at: number; message: string }[] = [];
const note = (obj: object, message: string) => {
  if ("groupId" in obj)
    said.push({ at: Date.now(), message: `${message} (${String(obj.groupId).split("-")[1]})` });
};
const quiet = { info() {}, warn: note, error: note };
let kafka: LocalKafka;
let log: EventLog;

beforeAll(async () => {
  kafka = await startKafka({ log: () => {} });
  log = createKafkaLog({
    brokers: [kafka.brokers],
    clientId: "kafka-restart-test",
    logger: quiet,
    redeliveryBackoff: { firstMs: 50, maxMs: 200 },
  });
});
afterAll(async () => {
  await log?.close();
  await kafka?.stop();
});

const record = (text: string): OutgoingRecord => ({
  key: text,
  value: new TextEncoder().encode(text),
  headers: { ce_id: text, ce_type: "test.kafka-restart" },
});

/** Publishes `texts`, again until the broker takes them (it may be down or just back). */
async function publish(texts: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await log.publish(topic, texts.map(record));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Resolves once `check` holds, failing after `timeoutMs` with what was awaited. */
async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const topic = `test.restart.${randomUUID()}`;

it("delivers every record to ordered and unordered consumers after Kafka was down 20 s", {
  timeout: 240_000,
}, async () => {
  await log.ensureTopics([topic]);
  const seen = { ordered: new Map<string, number>(), unordered: new Map<string, number>() };
  for (const [kind, got] of Object.entries(seen)) {
    await log.subscribe({
      groupId: `restart-${kind}-${randomUUID()}`,
      topic,
      ordered: kind === "ordered",
      handler: async (r: LogRecord) => {
        const text = new TextDecoder().decode(r.value);
        if (!got.has(text)) got.set(text, Date.now());
      },
    });
  }
  const all = (texts: string[]) => () =>
    Object.values(seen).every((got) => texts.every((text) => got.has(text)));
  const before = Array.from({ length: 10 }, (_, i) => `before-${i}`);
  await publish(before, 30_000);
  await until(all(before), "the records before the outage", 60_000);

  const restarted = kafka.restart({ signal: "SIGTERM", downMs: DOWN_MS });
  const during = Array.from({ length: 10 }, (_, i) => `during-${i}`);
  // Taken before the broker stops or once it is back (the producer retries).
  const publishedDuring = publish(during, DOWN_MS + 60_000);
  await restarted;
  const back = Date.now();
  const after = Array.from({ length: 10 }, (_, i) => `after-${i}`);
  await publish(after, 60_000);
  await publishedDuring;
  await until(all([...during, ...after]), "every record after the outage", 120_000);

  const at = (ms: number) => `${((ms - back) / 1000).toFixed(1)} s`;
  const lines = said.filter(({ at: t }) => t >= back - DOWN_MS - 5_000).slice(-12);
  console.info(
    `kafka-restart: kafkajs, relative to Kafka back:\n${lines.map((l) => `  ${at(l.at)} ${l.message}`).join("\n")}`,
  );
  for (const [kind, got] of Object.entries(seen)) {
    expect([...got.keys()].sort()).toEqual([...before, ...during, ...after].sort());
    // The records published once the broker was back wait for the consumers to rejoin.
    const first = Math.min(...after.map((text) => got.get(text)!));
    console.info(
      `kafka-restart: ${kind} consumer delivered again ${((first - back) / 1000).toFixed(1)} s after Kafka was back`,
    );
  }
});
