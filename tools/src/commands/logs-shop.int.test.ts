/**
 * Local real mode ships every function's log lines (issue 13, item 3): `startShop` with each function
 * its own process, as `shop start` runs it with DATABASE_URL and KAFKA_BROKERS, and `shop logs tail`
 * follows all of them in one stream.
 */
import { functionNames, type Shop, startShop } from "@shop/platform";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildFunctions } from "../build/functions.ts";
import { logsCommand } from "./logs.ts";

const brokers = inject("kafkaBrokers");
const logsTopic = testTopic("logs");
let shop: Shop;

beforeAll(async () => {
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: brokers.split(","),
    topic: testTopic("events"),
    dlqTopic: testTopic("dlq"),
    logsTopic,
    processes: true,
    buildBundles: (names) => buildFunctions(names, { onlyStale: true }),
    logLevel: "info",
  });
});

afterAll(async () => {
  await shop?.close();
});

describe("local real mode's logs", () => {
  it("reach one topic from every function process, and shop logs tail follows them all", async () => {
    const started = new Map<string, Record<string, unknown>>();
    const stop = new AbortController();
    const args = [
      "tail",
      "--from-beginning",
      "--json",
      "--level",
      "info",
      "--brokers",
      brokers,
      "--topic",
      logsTopic,
    ];
    const tail = logsCommand(args, {
      signal: stop.signal,
      write: (text) => {
        const entry = JSON.parse(text) as Record<string, unknown>;
        if (String(entry.msg).startsWith(`${entry.function} started in`))
          started.set(String(entry.function), entry);
      },
    });
    try {
      await waitFor(() => started.size === functionNames.length, {
        timeoutMs: 60_000,
        message: `the start line of every function (so far: ${[...started.keys()].join(", ")})`,
      });
    } finally {
      stop.abort();
      await tail;
    }
    expect([...started.keys()].sort()).toEqual([...functionNames].sort());
  });
});
