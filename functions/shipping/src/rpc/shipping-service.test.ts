import { Code, ConnectError } from "@connectrpc/connect";
import { ShipmentStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientAs,
  emitted,
  orderConfirmed,
  type RunningShipping,
  startShipping,
  typesOf,
} from "../test-support.ts";

const erin = { userId: "erin", role: "customer" } as const;
const bob = { userId: "bob", role: "customer" } as const;
const admin = { userId: "root", role: "admin" } as const;

async function refusal(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return { code: (error as ConnectError).code, message: (error as ConnectError).rawMessage };
}

describe("ShippingService", { timeout: 30_000 }, () => {
  let fn: RunningShipping;
  beforeAll(async () => {
    fn = await startShipping();
    await fn.receive(orderConfirmed("o-erin", { customerId: "erin" }));
  }, 60_000);
  afterAll(() => fn.close());

  describe("ListShippingOptions", () => {
    it("quotes every option that ships to the country, to anyone, cheapest first", async () => {
      const client = await clientAs(fn);
      const { options } = await client.listShippingOptions({
        country: "de",
        subtotal: { amountMinor: 2000n, currency: "EUR" },
      });
      expect(
        options.map((o) => [o.id, o.name, o.price?.amountMinor, o.price?.currency, o.minDays, o.maxDays]),
      ).toEqual([
        ["standard", "Standard delivery", 490n, "EUR", 3, 5],
        ["express", "Express delivery", 1290n, "EUR", 1, 2],
      ]);
      const us = await client.listShippingOptions({ country: "US" });
      expect(us.options.map((o) => o.id)).toEqual(["standard"]);
    });

    it("refuses a missing, malformed or unserved country with a sentence", async () => {
      const client = await clientAs(fn);
      expect(await refusal(client.listShippingOptions({ country: " " }))).toEqual({
        code: Code.InvalidArgument,
        message: "Say where the parcel goes: the destination country is missing.",
      });
      expect(await refusal(client.listShippingOptions({ country: "Germany" }))).toEqual({
        code: Code.InvalidArgument,
        message: 'We do not ship to "Germany".',
      });
      expect(await refusal(client.listShippingOptions({ country: "JP" }))).toEqual({
        code: Code.InvalidArgument,
        message: 'We do not ship to "JP".',
      });
      expect(
        await refusal(
          client.listShippingOptions({ country: "DE", subtotal: { amountMinor: 1n, currency: "USD" } }),
        ),
      ).toEqual({
        code: Code.InvalidArgument,
        message: "Shipping is priced in EUR; a subtotal in USD cannot be quoted.",
      });
    });
  });

  describe("GetShipment", () => {
    it("shows a customer the shipment of their own order, and an admin any", async () => {
      const own = await (await clientAs(fn, erin)).getShipment({ orderId: "o-erin" });
      expect(own.shipment).toMatchObject({ orderId: "o-erin", status: ShipmentStatus.PREPARING });
      const any = await (await clientAs(fn, admin)).getShipment({ orderId: "o-erin" });
      expect(any.shipment?.id).toBe(own.shipment?.id);
    });

    it("answers another customer NotFound, as for an order without a shipment", async () => {
      const other = await refusal((await clientAs(fn, bob)).getShipment({ orderId: "o-erin" }));
      const none = await refusal((await clientAs(fn, bob)).getShipment({ orderId: "o-nobody" }));
      expect(other.code).toBe(Code.NotFound);
      expect(none.code).toBe(Code.NotFound);
      expect(none.message).toBe(
        "Order o-nobody has no shipment (yet): it is created once the order is confirmed.",
      );
    });

    it("refuses anonymous callers and a missing order id", async () => {
      expect((await refusal((await clientAs(fn)).getShipment({ orderId: "o-erin" }))).code).toBe(
        Code.Unauthenticated,
      );
      expect(await refusal((await clientAs(fn, erin)).getShipment({ orderId: "" }))).toEqual({
        code: Code.InvalidArgument,
        message: "Say which order: its id is missing.",
      });
    });
  });

  describe("DispatchShipment and DeliverShipment", () => {
    it("are for admins only", async () => {
      const customer = await clientAs(fn, erin);
      const request = { orderId: "o-erin", carrier: "DHL", trackingNumber: "JJD1" };
      expect((await refusal(customer.dispatchShipment(request))).code).toBe(Code.PermissionDenied);
      expect((await refusal(customer.deliverShipment({ orderId: "o-erin" }))).code).toBe(
        Code.PermissionDenied,
      );
      const anonymous = await clientAs(fn);
      expect((await refusal(anonymous.dispatchShipment(request))).code).toBe(Code.Unauthenticated);
      expect((await refusal(anonymous.deliverShipment({ orderId: "o-erin" }))).code).toBe(
        Code.Unauthenticated,
      );
    });

    it("refuse a missing tracking number, carrier or order id with a sentence", async () => {
      const client = await clientAs(fn, admin);
      expect(
        await refusal(client.dispatchShipment({ orderId: "o-erin", carrier: "DHL", trackingNumber: " " })),
      ).toEqual({
        code: Code.InvalidArgument,
        message: "A dispatched parcel needs the carrier's tracking number.",
      });
      expect(
        await refusal(client.dispatchShipment({ orderId: "o-erin", carrier: "", trackingNumber: "JJD1" })),
      ).toEqual({
        code: Code.InvalidArgument,
        message: "Say which carrier takes the parcel: the carrier is missing.",
      });
      expect((await refusal(client.deliverShipment({ orderId: "" }))).code).toBe(Code.InvalidArgument);
      expect(
        (
          await refusal(
            client.dispatchShipment({ orderId: "o-none", carrier: "DHL", trackingNumber: "JJD1" }),
          )
        ).code,
      ).toBe(Code.NotFound);
    });

    it("move a shipment on in order, refusing a step in the wrong state", async () => {
      await fn.receive(orderConfirmed("o-steps", { customerId: "erin" }));
      const client = await clientAs(fn, admin);
      expect(await refusal(client.deliverShipment({ orderId: "o-steps" }))).toEqual({
        code: Code.FailedPrecondition,
        message: "The shipment of order o-steps is preparing; only a shipment dispatched can be delivered.",
      });
      const { shipment } = await client.dispatchShipment({
        orderId: "o-steps",
        carrier: "DHL",
        trackingNumber: "JJD42",
      });
      expect(shipment).toMatchObject({
        status: ShipmentStatus.DISPATCHED,
        carrier: "DHL",
        trackingNumber: "JJD42",
      });
      expect(shipment?.dispatchedAt).toBeDefined();
      expect(
        await refusal(
          client.dispatchShipment({ orderId: "o-steps", carrier: "DHL", trackingNumber: "JJD43" }),
        ),
      ).toEqual({
        code: Code.FailedPrecondition,
        message:
          "The shipment of order o-steps is dispatched; only a shipment being prepared can be dispatched.",
      });
      const delivered = await client.deliverShipment({ orderId: "o-steps" });
      expect(delivered.shipment).toMatchObject({ status: ShipmentStatus.DELIVERED });
      expect(delivered.shipment?.deliveredAt).toBeDefined();
      expect((await refusal(client.deliverShipment({ orderId: "o-steps" }))).code).toBe(
        Code.FailedPrecondition,
      );

      const events = await emitted(fn, "o-steps");
      expect(typesOf(events)).toEqual(["ShipmentCreated", "ShipmentDispatched", "ShipmentDelivered"]);
      expect(events[1]?.message).toMatchObject({
        carrier: "DHL",
        trackingNumber: "JJD42",
        customerId: "erin",
      });
      // The admin's two steps are in the audit log, keyed by the shipment; the refused ones are not.
      const shipmentId = shipment!.id;
      const audit = (await emitted(fn, shipmentId)).filter((e) => e.type.endsWith("AdminActionRecorded"));
      expect(audit.map((e) => (e.message as unknown as { action: string }).action)).toEqual([
        "shipping.DispatchShipment",
        "shipping.DeliverShipment",
      ]);
      expect(audit[0]?.message).toMatchObject({ actorId: admin.userId, target: shipmentId });
    });
  });
});
