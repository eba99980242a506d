import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { CancellationCause, OrderCancelledSchema, OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { PaymentRefundedSchema, PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIMED_OUT_REASON } from "../orders/index.ts";
import {
  clientAs,
  deliverFor,
  emitted,
  putProduct,
  type RunningOrders,
  startOrders,
  testClock,
} from "../test-support.ts";

const customer = { userId: "erin", role: "customer" } as const;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });
const MINUTE = 60_000;
// The saga's timing in this file: asked again 2 minutes after placing, given up after 10.
const DEADLINE = 2 * MINUTE;
const GIVE_UP = 10 * MINUTE;

describe("the saga's reconciler (orders' onTick)", { timeout: 30_000 }, () => {
  const clock = testClock();
  let fn: RunningOrders;
  let keys = 0;
  beforeAll(async () => {
    fn = await startOrders({
      deps: { now: clock.now },
      settings: { sagaDeadlineMs: DEADLINE, sagaGiveUpMs: GIVE_UP },
    });
    await putProduct(fn, "p-1", { priceMinor: 2000n });
    // PGlite starts in seconds, more on a loaded machine.
  }, 60_000);
  afterAll(() => fn.close());

  const priced = (id: string) =>
    deliverFor(fn, OrderPricedSchema, id, {
      subtotal: eur(4000n),
      discount: eur(500n),
      total: eur(3500n),
      promotions: ["Spring sale"],
      paymentToken: "tok_visa",
    });
  const reserved = (id: string) =>
    deliverFor(fn, StockReservedSchema, id, {
      lines: [{ productId: "p-1", quantity: 2 }],
      total: eur(3500n),
    });
  const paid = (id: string) =>
    deliverFor(fn, PaymentSucceededSchema, id, { paymentId: `pay-${id}`, amount: eur(3500n) });

  // The steps that bring a placed order to each open status.
  const stepsTo = {
    PENDING: [] as ((id: string) => Promise<unknown>)[],
    PRICED: [priced],
    RESERVED: [priced, reserved],
  };

  /** Places a 2 × 20.00 EUR order at the clock's time, brings it to `status`, and returns its id. */
  async function orderIn(status: keyof typeof stepsTo): Promise<string> {
    const client = await clientAs(fn, customer);
    const { order } = await client.placeOrder({
      lines: [{ productId: "p-1", quantity: 2 }],
      idempotencyKey: `reconcile-${++keys}`,
      paymentToken: "tok_visa",
    });
    const id = order?.id ?? "";
    for (const step of stepsTo[status]) await step(id);
    return id;
  }

  async function orderOf(id: string) {
    const { order } = await (await clientAs(fn, customer)).getOrder({ id });
    return order;
  }

  /** How often the counter `name` counted orders found in `status`. */
  async function counted(name: string, status: string): Promise<number> {
    const metric = await fn.metrics.registry.getSingleMetric(name)?.get();
    return metric?.values.find((value) => value.labels.status === status)?.value ?? 0;
  }

  const typesOf = async (id: string) => (await emitted(fn, id)).map((event) => event.type);

  describe.each(["PENDING", "PRICED", "RESERVED"] as const)("an order %s", (status) => {
    it("is left alone before its deadline", async () => {
      const id = await orderIn(status);
      clock.advance(DEADLINE - 1);
      await fn.tick();
      expect((await orderOf(id))?.status).toBe(OrderStatus[status]);
      expect(await typesOf(id)).toEqual([OrderPlacedSchema.typeName]);
    });

    it("is asked for again past its deadline: the same OrderPlaced, as a new event", async () => {
      const id = await orderIn(status);
      clock.advance(DEADLINE);
      await fn.tick();
      const [first, again, ...more] = await emitted(fn, id);
      expect(more).toEqual([]);
      expect(again?.type).toBe(OrderPlacedSchema.typeName);
      expect(again?.id).not.toBe(first?.id);
      expect(again?.message).toEqual(first?.message);
      // The same sealed token: re-asking never needs Vault, and payments opens it as the first time.
      expect(again?.message).toMatchObject({
        orderId: id,
        paymentToken: "",
        sealedPaymentToken: expect.stringMatching(/^vault:v1:/),
        subtotal: eur(4000n),
      });
      expect((await orderOf(id))?.status).toBe(OrderStatus[status]);
    });

    it("is cancelled past its final deadline, with a reason the customer can read", async () => {
      const id = await orderIn(status);
      clock.advance(GIVE_UP);
      await fn.tick();
      expect(await orderOf(id)).toMatchObject({
        status: OrderStatus.CANCELLED,
        cancelReason: TIMED_OUT_REASON,
      });
      expect(TIMED_OUT_REASON).toMatch(/^We could not complete your order in time/);
      const events = await emitted(fn, id);
      expect(events.map((event) => event.type)).toEqual([
        OrderPlacedSchema.typeName,
        OrderCancelledSchema.typeName,
      ]);
      expect(events[1]?.message).toMatchObject({
        orderId: id,
        customerId: "erin",
        cause: CancellationCause.TIMED_OUT,
        reason: TIMED_OUT_REASON,
      });
    });
  });

  it("asks again once per deadline period, not on every tick, and then gives up", async () => {
    const id = await orderIn("PRICED");
    const asked = async () =>
      (await typesOf(id)).filter((type) => type === OrderPlacedSchema.typeName).length;
    clock.advance(DEADLINE);
    await fn.tick();
    await fn.tick();
    expect(await asked()).toBe(2);
    clock.advance(DEADLINE - 1);
    await fn.tick();
    expect(await asked()).toBe(2);
    clock.advance(1);
    await fn.tick();
    await fn.tick();
    expect(await asked()).toBe(3);
    // Placed + 4 minutes now; re-asked at 6 and 8, given up at 10.
    for (let minute = 5; minute <= 10; minute++) {
      clock.advance(MINUTE);
      await fn.tick();
    }
    expect(await typesOf(id)).toEqual([
      ...Array(5).fill(OrderPlacedSchema.typeName),
      OrderCancelledSchema.typeName,
    ]);
    await fn.tick();
    expect(await emitted(fn, id)).toHaveLength(6);
  });

  it("cancels at once an order first seen past its final deadline, without asking again", async () => {
    const id = await orderIn("PENDING");
    clock.advance(GIVE_UP + DEADLINE);
    await fn.tick();
    expect(await typesOf(id)).toEqual([OrderPlacedSchema.typeName, OrderCancelledSchema.typeName]);
  });

  it("counts the orders it asked again and cancelled, by the status they were in", async () => {
    // Orders of the tests before end first, so that only this test's orders count below.
    clock.advance(GIVE_UP);
    await fn.tick();
    const before = {
      reasked: await counted("shop_orders_reasked_total", "PRICED"),
      cancelled: await counted("shop_orders_timed_out_total", "PRICED"),
      reservedCancelled: await counted("shop_orders_timed_out_total", "RESERVED"),
    };
    await orderIn("PRICED");
    await orderIn("PRICED");
    await orderIn("RESERVED");
    clock.advance(DEADLINE);
    await fn.tick();
    expect(await counted("shop_orders_reasked_total", "PRICED")).toBe(before.reasked + 2);
    clock.advance(GIVE_UP);
    await fn.tick();
    expect(await counted("shop_orders_timed_out_total", "PRICED")).toBe(before.cancelled + 2);
    expect(await counted("shop_orders_timed_out_total", "RESERVED")).toBe(before.reservedCancelled + 1);
    expect(await fn.metrics.registry.metrics()).toMatch(
      /shop_orders_reasked_total\{status="PRICED",function="orders"\}/,
    );
  });

  it("never touches a final order", async () => {
    const confirmed = await orderIn("RESERVED");
    await paid(confirmed);
    const before = await orderOf(confirmed);
    clock.advance(GIVE_UP);
    await fn.tick();
    expect(await orderOf(confirmed)).toEqual(before);
    expect(await emitted(fn, confirmed)).toHaveLength(2);
  });

  it("applies no late event to an order it cancelled, and shows the refund of its charge", async () => {
    const id = await orderIn("PENDING");
    clock.advance(GIVE_UP);
    await fn.tick();
    const cancelled = await orderOf(id);
    expect(cancelled?.status).toBe(OrderStatus.CANCELLED);

    // The hop that was down comes back: its answers are late, and change nothing.
    for (const late of [priced, reserved, paid]) await expect(late(id)).resolves.toBe("handled");
    expect(await orderOf(id)).toEqual(cancelled);
    expect(await emitted(fn, id)).toHaveLength(2);

    // payments refunds the late charge on OrderCancelled, and says so.
    const reason = `Order ${id} was cancelled, so the 35.00 EUR charged for it was refunded.`;
    const refunded = () =>
      deliverFor(fn, PaymentRefundedSchema, id, { paymentId: `pay-${id}`, amount: eur(3500n), reason });
    await expect(refunded()).resolves.toBe("handled");
    const shown = await orderOf(id);
    expect(shown).toMatchObject({
      status: OrderStatus.CANCELLED,
      cancelReason: TIMED_OUT_REASON,
      refund: { amount: eur(3500n), reason },
    });
    expect(shown?.refund?.refundedAt).toBeDefined();
    // The same refund told again (a new event) is recorded once.
    await refunded();
    expect(await orderOf(id)).toEqual(shown);
    expect(await emitted(fn, id)).toHaveLength(2);
  });
});
