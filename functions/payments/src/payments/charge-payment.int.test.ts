import { createLogger, type RunningFunction, startFunction } from "@shop/runtime";
import { createTestDatabase } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { paymentsFunction } from "../function.ts";
import {
  chargesOf,
  eventsFor,
  orderCancelled,
  paymentOf,
  stockReserved,
  testDeps,
  typesFor,
} from "../test-support.ts";
import { createTestProvider, type TestProvider } from "./test-provider.ts";

// Real Postgres: the unknown record commits while the delivery is answered 5xx, and deliveries,
// cancellations and reconciler ticks of one order really run at once (a pool of connections), held
// apart by the order's advisory lock. Events stay in memory.
describe("charges whose outcome is unknown, on real Postgres", () => {
  let fn: RunningFunction;
  let provider: TestProvider;

  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    provider = createTestProvider({ unavailableAttempts: 4 });
    fn = await startFunction(paymentsFunction, {
      deps: testDeps(provider),
      listen: false,
      logger: createLogger("payments", "silent"),
      config: {
        database: { kind: "postgres", url },
        kafkaBrokers: [],
        sweepIntervalMs: 0,
        tickIntervalMs: 0,
      },
    });
  });
  afterAll(() => fn?.close());

  it("keeps the unknown charge across each failed delivery, then charges once", async () => {
    const event = stockReserved("pg-1", "tok_unavailable");
    for (let attempt = 1; attempt <= 4; attempt++) {
      await expect(fn.receive(event)).rejects.toThrow(/unavailable/);
      // Committed with the failed delivery's answer: no waiting for a transaction of its own.
      expect(await paymentOf(fn, "pg-1")).toMatchObject({ status: "unknown" });
    }
    await expect(fn.receive(event)).resolves.toBe("handled");
    expect(chargesOf(provider, "pg-1")).toHaveLength(1);
    expect(await typesFor(fn, "pg-1")).toEqual(["PaymentSucceeded"]);
  });

  it("charges once when redeliveries, re-asks and ticks of one order come at once", async () => {
    const first = stockReserved("pg-2", "tok_timeout");
    await expect(fn.receive(first)).rejects.toThrow(/unknown/);
    await Promise.allSettled([
      fn.receive(first),
      fn.receive(stockReserved("pg-2", "tok_timeout")),
      fn.receive(stockReserved("pg-2", "tok_timeout")),
      fn.tick(),
    ]);

    expect(chargesOf(provider, "pg-2")).toHaveLength(1);
    expect(await paymentOf(fn, "pg-2")).toMatchObject({ status: "succeeded" });
    const events = await eventsFor(fn, "pg-2");
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const [type, message] of events) {
      expect(type).toBe("PaymentSucceeded");
      expect(message).toEqual(events[0]?.[1]);
    }
  });

  it("refunds once when the cancellation races the resolution of an unknown charge", async () => {
    await expect(fn.receive(stockReserved("pg-3", "tok_timeout"))).rejects.toThrow(/unknown/);
    await Promise.allSettled([
      fn.receive(orderCancelled("pg-3")),
      fn.receive(stockReserved("pg-3", "tok_timeout")),
      fn.tick(),
    ]);
    await fn.tick();

    expect(chargesOf(provider, "pg-3")).toMatchObject([{ refunded: true }]);
    expect(await paymentOf(fn, "pg-3")).toMatchObject({ status: "refunded" });
    const types = await typesFor(fn, "pg-3");
    // A re-ask that won the race confirmed the payment before the cancellation refunded it.
    expect(types.filter((type) => type === "PaymentRefunded")).toHaveLength(1);
    expect(types.at(-1)).toBe("PaymentRefunded");
  });
});
