import { create } from "@bufbuild/protobuf";
import { type RunningFunction, toCloudEvent } from "@shop/runtime";
import { sealedLocally, startForTest } from "@shop/runtime/testing";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentsFunction } from "../function.ts";
import { chargesOf, eventsFor, testDeps } from "../test-support.ts";
import { createTestProvider, NOT_ACCEPTED, type TestProvider } from "./test-provider.ts";

/** A StockReserved with the payment fields given. */
function reserved(orderId: string, payment: { sealedPaymentToken?: string; paymentToken?: string }) {
  const message = create(StockReservedSchema, {
    orderId,
    customerId: "customer-1",
    total: create(MoneySchema, { amountMinor: 1_000n, currency: "EUR" }),
    ...payment,
  });
  return toCloudEvent(StockReservedSchema, message, { source: "/functions/inventory", key: orderId });
}

describe("payment tokens sealed for payments", () => {
  let fn: RunningFunction;
  let provider: TestProvider;

  beforeAll(async () => {
    provider = createTestProvider();
    fn = await startForTest(paymentsFunction, { deps: testDeps(provider) });
  });
  afterAll(() => fn.close());

  it("opens the sealed token of the order and charges with it", async () => {
    await expect(
      fn.receive(reserved("s-1", { sealedPaymentToken: sealedLocally("tok_visa", "s-1") })),
    ).resolves.toBe("handled");
    expect(chargesOf(provider, "s-1").map((c) => c.token)).toEqual(["tok_visa"]);
  });

  it("still charges an event of an order placed before sealing (token in the deprecated field)", async () => {
    await expect(fn.receive(reserved("s-2", { paymentToken: "tok_visa" }))).resolves.toBe("handled");
    expect(chargesOf(provider, "s-2").map((c) => c.token)).toEqual(["tok_visa"]);
  });

  it("declines a sealed token copied from another order, charging nothing", async () => {
    const copied = sealedLocally("tok_visa", "someone-elses-order");
    await expect(fn.receive(reserved("s-3", { sealedPaymentToken: copied }))).resolves.toBe("handled");
    expect(chargesOf(provider, "s-3")).toEqual([]);
    expect(await eventsFor(fn, "s-3")).toEqual([
      ["PaymentFailed", expect.objectContaining({ reason: NOT_ACCEPTED })],
    ]);
  });

  it("declines a tampered sealed token", async () => {
    const sealed = sealedLocally("tok_visa", "s-4");
    const tampered = `${sealed.slice(0, -4)}AAA=`;
    await fn.receive(reserved("s-4", { sealedPaymentToken: tampered }));
    expect(chargesOf(provider, "s-4")).toEqual([]);
    expect(await eventsFor(fn, "s-4")).toEqual([
      ["PaymentFailed", expect.objectContaining({ reason: NOT_ACCEPTED })],
    ]);
  });
});
