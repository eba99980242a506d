/**
 * shipping in the embedded shop (`npm start`): it publishes its options when the shop starts, quotes
 * them through the gateway, runs the dev carrier, and gets OrderConfirmed through its Trigger.
 */
import { create } from "@bufbuild/protobuf";
import { money, toCloudEvent, toKafkaRecord } from "@shop/runtime";
import { publishedEvents, waitFor } from "@shop/runtime/testing";
import { OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { ShipmentStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAs, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { type Shop, startShop } from "./start-shop.ts";

describe("shipping in the embedded shop", { timeout: 60_000 }, () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({ logLevel: "silent" });
  }, 120_000);
  afterAll(() => shop?.close());

  it("publishes every option as ShippingOptionChanged when the shop starts", async () => {
    const shipping = shop.functions.shipping;
    if (!shipping) throw new Error("the embedded shop runs no shipping");
    const events = await publishedEvents(shipping);
    const options = events.filter((e) => e.event.type === "shop.shipping.v1.ShippingOptionChanged");
    expect(options.map((e) => e.event.partitionkey).sort()).toEqual(["express", "standard"]);
  });

  it("quotes the options to anyone through the gateway", async () => {
    const { options } = await shopClients(shop.url).shipping.listShippingOptions({ country: "NL" });
    expect(options.map((o) => [o.id, o.price?.amountMinor])).toEqual([
      ["standard", 490n],
      ["express", 1290n],
    ]);
  });

  it("runs the dev carrier, and creates the shipment of a confirmed order delivered by its Trigger", async () => {
    expect(shop.functions.shipping?.settings).toMatchObject({ devCarrier: { enabled: true } });
    const confirmed = create(OrderConfirmedSchema, {
      orderId: "embedded-1",
      customerId: "someone",
      total: money(1490n, "EUR"),
      shipping: {
        option: "standard",
        address: { name: "Ida", line1: "Damrak 1", city: "Amsterdam", postcode: "1012 LG", country: "NL" },
        price: money(490n, "EUR"),
        charged: money(490n, "EUR"),
      },
    });
    const event = toCloudEvent(OrderConfirmedSchema, confirmed, {
      source: "/functions/orders",
      key: "embedded-1",
    });
    await shop.log.publish("shop.events", [toKafkaRecord(event)]);
    const { clients } = await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password);
    const shipment = await waitFor(
      () =>
        clients.shipping.getShipment({ orderId: "embedded-1" }).then(
          (answer) => answer.shipment,
          () => undefined,
        ),
      { message: "the shipment of embedded-1" },
    );
    expect(shipment).toMatchObject({
      status: ShipmentStatus.PREPARING,
      option: "standard",
      address: { city: "Amsterdam" },
    });
  });
});
