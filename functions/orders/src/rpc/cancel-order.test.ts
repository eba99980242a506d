import { Code } from "@connectrpc/connect";
import { testClient } from "@shop/runtime/testing";
import { type AdminActionRecorded, AdminActionRecordedSchema } from "@shop/schemas/audit/v1/events";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { CancellationCause, type OrderCancelled, OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import { CancelledBy, OrderService, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { PaymentFailedSchema, PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { ShipmentCreatedSchema, ShipmentDispatchedSchema } from "@shop/schemas/shipping/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  berlin,
  clientAs,
  deliverFor,
  emitted,
  putProduct,
  putShippingOption,
  type RunningOrders,
  refusal,
  startOrders,
} from "../test-support.ts";

const gina = { userId: "gina", role: "customer" } as const;
const hugo = { userId: "hugo", role: "customer" } as const;
const admin = { userId: "root", role: "admin" } as const;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

describe("CancelOrder", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  let keys = 0;
  beforeAll(async () => {
    fn = await startOrders();
    await putProduct(fn, "p-1", { priceMinor: 1500n });
    await putShippingOption(fn, "standard", { name: "Standard", priceMinor: 500n });
    // PGlite starts in seconds, more on a loaded machine.
  }, 60_000);
  afterAll(() => fn.close());

  /** Places one of gina's orders that ships, and returns its id. */
  async function place(): Promise<string> {
    const { order } = await (await clientAs(fn, gina)).placeOrder({
      lines: [{ productId: "p-1", quantity: 2 }],
      idempotencyKey: `cancel-${++keys}`,
      paymentToken: "tok_visa",
      shippingAddress: berlin(),
      shippingOption: "standard",
    });
    return order?.id ?? "";
  }

  /** Takes the order through the saga to CONFIRMED (a 35.00 EUR charge). */
  async function confirm(id: string) {
    const total = eur(3500n);
    await deliverFor(fn, OrderPricedSchema, id, { discount: eur(0n), shipping: eur(500n), total }, "gina");
    await deliverFor(fn, StockReservedSchema, id, { total }, "gina");
    await deliverFor(fn, PaymentSucceededSchema, id, { paymentId: `pay-${id}`, amount: total }, "gina");
  }

  const cancellations = async (id: string) =>
    (await emitted(fn, id))
      .filter((event) => event.type === OrderCancelledSchema.typeName)
      .map((event) => event.message as OrderCancelled);

  it("lets a customer cancel an order in the saga, with their reason, and tells the others", async () => {
    const id = await place();
    const { order } = await (await clientAs(fn, gina)).cancelOrder({ id, reason: " Found it cheaper " });
    expect(order).toMatchObject({
      status: OrderStatus.CANCELLED,
      cancelReason: "Found it cheaper",
      cancellation: { by: CancelledBy.CUSTOMER, actorId: "gina" },
    });
    expect(order?.cancellation?.cancelledAt).toBeDefined();
    const [cancelled] = await cancellations(id);
    expect(cancelled).toMatchObject({
      orderId: id,
      customerId: "gina",
      cause: CancellationCause.CUSTOMER_REQUESTED,
      reason: "Found it cheaper",
      wasConfirmed: false,
      cancellation: { by: CancelledBy.CUSTOMER, actorId: "gina" },
    });
    expect(cancelled?.total).toBeUndefined();

    // A late step of the saga is compensated by the others, never applied.
    await confirm(id);
    const { order: after } = await (await clientAs(fn, gina)).getOrder({ id });
    expect(after?.status).toBe(OrderStatus.CANCELLED);
  });

  it("cancels a confirmed order that has not been dispatched, telling the others it had been paid", async () => {
    const id = await place();
    await confirm(id);
    await deliverFor(fn, ShipmentCreatedSchema, id, { shipmentId: "s-1" }, "gina");
    const { order } = await (await clientAs(fn, gina)).cancelOrder({ id });
    expect(order).toMatchObject({ status: OrderStatus.CANCELLED, cancelReason: "You cancelled this order." });
    expect(await cancellations(id)).toEqual([
      expect.objectContaining({
        cause: CancellationCause.CUSTOMER_REQUESTED,
        wasConfirmed: true,
        total: expect.objectContaining(eur(3500n)),
      }),
    ]);
  });

  it("returns an order already cancelled as it is, and emits nothing more", async () => {
    const id = await place();
    const client = await clientAs(fn, gina);
    const first = await client.cancelOrder({ id, reason: "Changed my mind" });
    const again = await client.cancelOrder({ id, reason: "Another reason" });
    expect(again.order).toEqual(first.order);
    expect(await cancellations(id)).toHaveLength(1);
  });

  it("refuses to cancel once the parcel was dispatched", async () => {
    const id = await place();
    await confirm(id);
    await deliverFor(
      fn,
      ShipmentDispatchedSchema,
      id,
      { shipmentId: "s-2", carrier: "DHL", trackingNumber: "T1" },
      "gina",
    );
    expect(await refusal((await clientAs(fn, gina)).cancelOrder({ id }))).toEqual({
      code: Code.FailedPrecondition,
      message: "This order has already been dispatched, so it can no longer be cancelled.",
    });
    // An admin cannot either: the parcel is on its way.
    expect(await refusal((await clientAs(fn, admin)).cancelOrder({ id }))).toMatchObject({
      code: Code.FailedPrecondition,
    });
    const { order } = await (await clientAs(fn, gina)).getOrder({ id });
    expect(order?.status).toBe(OrderStatus.CONFIRMED);
    expect(await cancellations(id)).toEqual([]);
  });

  it("answers NotFound for another customer's order, exactly as for an unknown one", async () => {
    const id = await place();
    const client = await clientAs(fn, hugo);
    expect(await refusal(client.cancelOrder({ id }))).toEqual({
      code: Code.NotFound,
      message: `We could not find order ${id}.`,
    });
    expect(await refusal(client.cancelOrder({ id: "no-such-order" }))).toEqual({
      code: Code.NotFound,
      message: "We could not find order no-such-order.",
    });
    const { order } = await (await clientAs(fn, gina)).getOrder({ id });
    expect(order?.status).toBe(OrderStatus.PENDING);
  });

  it("lets an admin cancel any order, recorded as the admin's", async () => {
    const id = await place();
    const { order } = await (await clientAs(fn, admin)).cancelOrder({ id });
    expect(order).toMatchObject({
      status: OrderStatus.CANCELLED,
      cancelReason: "Our team cancelled this order.",
      cancellation: { by: CancelledBy.ADMIN, actorId: "root" },
    });
    expect(await cancellations(id)).toEqual([
      expect.objectContaining({ cause: CancellationCause.ADMIN_REQUESTED }),
    ]);
    // The admin's action is in the audit log, committed with the cancellation.
    const audited = (await emitted(fn, id)).filter((e) => e.type === AdminActionRecordedSchema.typeName);
    expect(audited.map((e) => e.message)).toEqual([
      expect.objectContaining({ actorId: "root", action: "orders.CancelOrder", target: id }),
    ]);
    expect(JSON.parse((audited[0]!.message as AdminActionRecorded).after)).toMatchObject({
      status: "CANCELLED",
    });
  });

  it("refuses bad input with a sentence", async () => {
    const client = await clientAs(fn, gina);
    expect(await refusal(client.cancelOrder({ id: "" }))).toEqual({
      code: Code.InvalidArgument,
      message: "Say which order: its id is missing.",
    });
    const id = await place();
    expect(await refusal(client.cancelOrder({ id, reason: "x".repeat(501) }))).toEqual({
      code: Code.InvalidArgument,
      message: "The reason for cancelling has at most 500 characters.",
    });
  });

  it("asks a caller without a token to log in", async () => {
    const anonymous = await testClient(fn, OrderService);
    expect(await refusal(anonymous.cancelOrder({ id: "any" }))).toMatchObject({ code: Code.Unauthenticated });
  });

  it("records who cancelled a saga-cancelled order: the system", async () => {
    const id = await place();
    await deliverFor(fn, StockReservedSchema, id, { total: eur(3500n) }, "gina");
    await deliverFor(fn, PaymentFailedSchema, id, { reason: "Your card was declined." }, "gina");
    const { order } = await (await clientAs(fn, gina)).getOrder({ id });
    expect(order?.cancellation).toMatchObject({ by: CancelledBy.SYSTEM, actorId: "" });
    expect(await cancellations(id)).toEqual([
      expect.objectContaining({ cancellation: expect.objectContaining({ by: CancelledBy.SYSTEM }) }),
    ]);
  });
});
