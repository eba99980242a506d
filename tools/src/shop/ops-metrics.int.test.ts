/**
 * `GET /ops/metrics` in local real mode, as `shop start` runs it with DATABASE_URL and KAFKA_BROKERS:
 * each function its own process on real Postgres and Kafka, and the gateway asking each process for
 * its /metrics. What it serves is one exposition promtool reads, with every function in it.
 */
import { spawnSync } from "node:child_process";
import { DEV_ADMIN, functionNames, loginAs, type Shop, startShop } from "@shop/platform";
import { createTestDatabase, testTopic } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildFunctions } from "../build/functions.ts";

let shop: Shop;

beforeAll(async () => {
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: inject("kafkaBrokers").split(","),
    topic: testTopic("ops"),
    dlqTopic: testTopic("ops-dlq"),
    processes: true,
    buildBundles: (names) => buildFunctions(names, { onlyStale: true }),
    logLevel: "warn",
  });
});

afterAll(() => shop?.close());

describe("GET /ops/metrics of the function processes", () => {
  it("refuses a missing token and serves an admin every process's metrics as one exposition", async () => {
    expect((await fetch(`${shop.url}/ops/metrics`)).status).toBe(401);
    const admin = await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password);
    const answer = await fetch(`${shop.url}/ops/metrics`, {
      headers: { authorization: `Bearer ${admin.tokens.accessToken}` },
    });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(check.stderr).not.toMatch(/error while linting|text format parsing error/i);
    // Each process has its own Node runtime metrics, so the families they share appear once, with
    // every function's sample under them.
    expect(text.match(/^# TYPE process_cpu_user_seconds_total /gm)).toHaveLength(1);
    for (const name of functionNames) {
      expect(text).toContain(`shop_ops_function_up{function="${name}"} 1`);
      expect(text).toMatch(new RegExp(`^process_cpu_user_seconds_total\\{function="${name}"\\} `, "m"));
    }
  });
});
