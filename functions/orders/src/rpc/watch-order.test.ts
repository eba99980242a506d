import { Code, ConnectError } from "@connectrpc/connect";
import { waitFor } from "@shop/runtime/testing";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAs, eventOf, putProduct, type RunningOrders, startOrders } from "../test-support.ts";

const frank = { userId: "frank", role: "customer" } as const;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

describe("WatchOrder", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  beforeAll(async () => {
    fn = await startOrders();
    await putProduct(fn, "p-1", { priceMinor: 500n });
    // PGlite starts in seconds, more on a loaded machine.
  }, 60_000);
  afterAll(() => fn.close());

  async function place(key: string) {
    const { order } = await (await clientAs(fn, frank)).placeOrder({
      lines: [{ productId: "p-1", quantity: 1 }],
      idempotencyKey: key,
    });
    return order?.id ?? "";
  }

  it("streams the order at once and on every change, and ends once it is CONFIRMED", async () => {
    const id = await place("watch-1");
    const stream = (await clientAs(fn, frank)).watchOrder({ id })[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.value?.order?.status).toBe(OrderStatus.PENDING);

    const base = { orderId: id, customerId: "frank" };
    await fn.receive(eventOf(OrderPricedSchema, { ...base, discount: eur(0n), total: eur(500n) }, id));
    await fn.receive(eventOf(StockReservedSchema, { ...base, total: eur(500n) }, id));
    await fn.receive(eventOf(PaymentSucceededSchema, { ...base, paymentId: "pay", amount: eur(500n) }, id));

    const statuses: OrderStatus[] = [];
    for (let next = await stream.next(); !next.done; next = await stream.next()) {
      statuses.push(next.value.order?.status ?? OrderStatus.UNSPECIFIED);
    }
    // Changes closer together than a read may be seen as one; what is seen only moves forward.
    expect(statuses.at(-1)).toBe(OrderStatus.CONFIRMED);
    expect(statuses).toEqual([...statuses].sort());
    expect(fn.deps.notifier.size()).toBe(0);
  });

  it("ends at once for an order that is already final", async () => {
    const id = await place("watch-2");
    const base = { orderId: id, customerId: "frank" };
    await fn.receive(eventOf(PaymentSucceededSchema, { ...base, paymentId: "pay", amount: eur(500n) }, id));
    const seen = [];
    for await (const { order } of (await clientAs(fn, frank)).watchOrder({ id })) seen.push(order?.status);
    expect(seen).toEqual([OrderStatus.CONFIRMED]);
  });

  it("stops watching when the client goes away", async () => {
    const id = await place("watch-3");
    const abort = new AbortController();
    const stream = (await clientAs(fn, frank))
      .watchOrder({ id }, { signal: abort.signal })
      [Symbol.asyncIterator]();
    expect((await stream.next()).value?.order?.status).toBe(OrderStatus.PENDING);
    expect(fn.deps.notifier.size()).toBe(1);
    abort.abort();
    await expect(stream.next()).rejects.toMatchObject({ code: Code.Canceled });
    await waitFor(() => fn.deps.notifier.size() === 0, {
      timeoutMs: 5_000,
      message: "the watch to close",
    });
  });

  it("answers NotFound for another customer's order", async () => {
    const id = await place("watch-4");
    const stranger = await clientAs(fn, { userId: "gina", role: "customer" });
    const error = await (async () => {
      for await (const _ of stranger.watchOrder({ id })) return undefined;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.NotFound);
  });
});
