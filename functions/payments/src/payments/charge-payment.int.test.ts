import { createLogger, type RunningFunction, startFunction } from "@shop/runtime";
import { createTestDatabase, waitFor } from "@shop/runtime/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { payments } from "../db/schema.ts";
import { paymentsFunction } from "../function.ts";
import { eventsFor, stockReserved } from "../test-support.ts";
import { PROVIDER_UNAVAILABLE } from "./charge-payment.ts";
import { createTestProvider, type TestProvider } from "./provider.ts";

// Real Postgres: the failed-attempt count commits on its own connection while the delivery's
// transaction rolls back. Events stay in memory.
describe("an unavailable payment provider on real Postgres", () => {
  let fn: RunningFunction;
  let provider: TestProvider;
  const attemptsOf = async (orderId: string) =>
    (await fn.app.db.select().from(payments).where(eq(payments.orderId, orderId)))[0]?.attempts ?? 0;

  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    provider = createTestProvider({ unavailableAttempts: 4 });
    fn = await startFunction(paymentsFunction, {
      deps: { provider },
      listen: false,
      logger: createLogger("payments", "silent"),
      config: { database: { kind: "postgres", url }, kafkaBrokers: [], sweepIntervalMs: 0 },
    });
  });
  afterAll(() => fn?.close());

  it("counts each failed attempt across rollbacks, then charges once", async () => {
    const event = stockReserved("pg-1", "tok_unavailable");
    for (let attempt = 1; attempt <= 4; attempt++) {
      await expect(fn.receive(event)).rejects.toThrow(/unavailable/);
      // The broker's backoff gives the count time to commit; here we wait for it.
      await waitFor(async () => (await attemptsOf("pg-1")) === attempt, {
        message: `attempt ${attempt} counted`,
      });
    }
    await expect(fn.receive(event)).resolves.toBe("handled");
    expect(provider.charges().filter((c) => c.idempotencyKey === "pg-1")).toHaveLength(1);
    expect((await eventsFor(fn, "pg-1")).map(([type]) => type)).toEqual(["PaymentSucceeded"]);
  });

  it("gives up on the 5th failed attempt", async () => {
    const stubborn = createTestProvider({ unavailableAttempts: 100 });
    const url = await createTestDatabase(inject("databaseUrl"));
    const other = await startFunction(paymentsFunction, {
      deps: { provider: stubborn },
      listen: false,
      logger: createLogger("payments", "silent"),
      config: { database: { kind: "postgres", url }, kafkaBrokers: [], sweepIntervalMs: 0 },
    });
    try {
      const event = stockReserved("pg-2", "tok_unavailable");
      for (let attempt = 1; attempt <= 4; attempt++) {
        await expect(other.receive(event)).rejects.toThrow(/unavailable/);
        await waitFor(
          async () =>
            (await other.app.db.select().from(payments).where(eq(payments.orderId, "pg-2")))[0]?.attempts ===
            attempt,
        );
      }
      await expect(other.receive(event)).resolves.toBe("handled");
      expect(await eventsFor(other, "pg-2")).toEqual([
        ["PaymentFailed", expect.objectContaining({ reason: PROVIDER_UNAVAILABLE })],
      ]);
      expect(stubborn.charges()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
