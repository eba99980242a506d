import { Code } from "@connectrpc/connect";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import {
  type OrderConfirmed,
  OrderConfirmedSchema,
  type OrderPlaced,
  OrderPlacedSchema,
} from "@shop/schemas/orders/v1/events";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
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
  shippingOptionEvent,
  startOrders,
} from "../test-support.ts";

const erin = { userId: "erin", role: "customer" } as const;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

describe("PlaceOrder with shipping", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  let keys = 0;
  beforeAll(async () => {
    fn = await startOrders();
    await putProduct(fn, "p-1", { name: "Dune", priceMinor: 2000n });
    await putShippingOption(fn, "standard", { name: "Standard", priceMinor: 490n, countries: ["DE", "FR"] });
    await putShippingOption(fn, "express", { name: "Express", priceMinor: 1290n, countries: ["DE"] });
    await putShippingOption(fn, "retired", { name: "Pigeon", active: false });
    await putShippingOption(fn, "dollars", { name: "Overseas", currency: "USD", countries: ["DE"] });
    // PGlite starts in seconds, more on a loaded machine.
  }, 60_000);
  afterAll(() => fn.close());

  async function place(extra: Record<string, unknown>) {
    const client = await clientAs(fn, erin);
    return client.placeOrder({
      lines: [{ productId: "p-1", quantity: 2 }],
      idempotencyKey: `ship-${++keys}`,
      paymentToken: "tok_visa",
      ...extra,
    });
  }

  it("prices shipping from the options projection, stores it on the order and puts it into OrderPlaced", async () => {
    const { order } = await place({
      cartId: "cart-7",
      shippingAddress: berlin({ country: " de " }),
      shippingOption: "standard",
    });
    expect(order).toMatchObject({
      cartId: "cart-7",
      subtotal: eur(4000n),
      // Until promotions price it: the lines plus the option's price.
      total: eur(4490n),
      shipping: {
        option: "standard",
        optionName: "Standard",
        address: { name: "Ada Lovelace", city: "Berlin", postcode: "10117", country: "DE" },
        price: eur(490n),
      },
    });
    expect(order?.shipping?.charged).toBeUndefined();

    const [placed] = await emitted(fn, order?.id);
    expect(placed?.type).toBe(OrderPlacedSchema.typeName);
    expect(placed?.message).toMatchObject({
      cartId: "cart-7",
      shipping: { option: "standard", optionName: "Standard", price: eur(490n), address: { country: "DE" } },
    });
    expect((placed?.message as OrderPlaced | undefined)?.shipping?.charged).toBeUndefined();
  });

  it("places an order without an address exactly as before: nothing ships", async () => {
    const { order } = await place({});
    expect(order).toMatchObject({ cartId: "", total: eur(4000n) });
    expect(order?.shipping).toBeUndefined();
    const [placed] = await emitted(fn, order?.id);
    expect((placed?.message as OrderPlaced | undefined)?.shipping).toBeUndefined();
  });

  it.each([
    [
      "no postcode",
      { shippingAddress: berlin({ postcode: " " }), shippingOption: "standard" },
      "The shipping address needs a postcode.",
    ],
    [
      "no country",
      { shippingAddress: berlin({ country: "" }), shippingOption: "standard" },
      "The shipping address needs a country (an ISO code such as DE or FR).",
    ],
    [
      "a country the option does not ship to",
      { shippingAddress: berlin({ country: "FR" }), shippingOption: "express" },
      "Express does not ship to FR.",
    ],
    [
      "an unknown country",
      { shippingAddress: berlin({ country: "XX" }), shippingOption: "standard" },
      "Standard does not ship to XX.",
    ],
    [
      "no name",
      { shippingAddress: berlin({ name: "" }), shippingOption: "standard" },
      "The shipping address needs the recipient's name.",
    ],
    [
      "no street",
      { shippingAddress: berlin({ line1: "" }), shippingOption: "standard" },
      "The shipping address needs a street and number (line 1).",
    ],
    [
      "no city",
      { shippingAddress: berlin({ city: "" }), shippingOption: "standard" },
      "The shipping address needs a city.",
    ],
    [
      "no shipping option",
      { shippingAddress: berlin() },
      "Choose a shipping option for the shipping address.",
    ],
    [
      "an unknown shipping option",
      { shippingAddress: berlin(), shippingOption: "teleport" },
      "We do not offer the shipping option teleport.",
    ],
    [
      "an inactive shipping option",
      { shippingAddress: berlin(), shippingOption: "retired" },
      "We do not offer the shipping option retired.",
    ],
    [
      "an option without an address",
      { shippingOption: "standard" },
      "A shipping option needs a shipping address to ship to.",
    ],
    [
      "an option in another currency",
      { shippingAddress: berlin(), shippingOption: "dollars" },
      "Overseas is priced in USD, but the products of this order are sold in EUR.",
    ],
  ])("refuses an address with %s, and stores nothing", async (_, extra, message) => {
    const before = (await emitted(fn)).length;
    expect(await refusal(place(extra))).toEqual({ code: Code.InvalidArgument, message });
    expect(await emitted(fn)).toHaveLength(before);
  });

  it("keeps only the newest version of an option, whatever order its events arrive in, and once", async () => {
    await putShippingOption(fn, "courier", { name: "Courier", priceMinor: 900n, version: 2n });
    // Older: ignored.
    await putShippingOption(fn, "courier", { name: "Courier", priceMinor: 100n, version: 1n });
    const newer = shippingOptionEvent("courier", { name: "Courier", priceMinor: 1500n, version: 3n });
    await fn.receive(newer);
    await expect(fn.receive(newer)).resolves.toBe("duplicate");
    const { order } = await place({ shippingAddress: berlin(), shippingOption: "courier" });
    expect(order?.shipping?.price).toMatchObject(eur(1500n));
  });

  it("takes what promotions charged for shipping, and confirms with the receipt", async () => {
    const { order } = await place({
      shippingAddress: berlin(),
      shippingOption: "standard",
      couponCode: "FREESHIP",
    });
    const id = order?.id ?? "";
    // Free shipping: promotions charges nothing for it.
    await deliverFor(fn, OrderPricedSchema, id, {
      subtotal: eur(4000n),
      discount: eur(0n),
      shipping: eur(0n),
      total: eur(4000n),
      promotions: ["Free shipping"],
    });
    await deliverFor(fn, StockReservedSchema, id, { total: eur(4000n) });
    await deliverFor(fn, PaymentSucceededSchema, id, { paymentId: "pay-1", amount: eur(4000n) });

    const { order: confirmed } = await (await clientAs(fn, erin)).getOrder({ id });
    expect(confirmed).toMatchObject({
      status: OrderStatus.CONFIRMED,
      total: eur(4000n),
      shipping: { price: eur(490n), charged: eur(0n) },
    });
    const receipt = (await emitted(fn, id)).find((event) => event.type === OrderConfirmedSchema.typeName);
    expect(receipt?.message).toMatchObject({
      orderId: id,
      customerId: "erin",
      total: eur(4000n),
      subtotal: eur(4000n),
      discount: eur(0n),
      couponCode: "FREESHIP",
      promotions: ["Free shipping"],
      shipping: { option: "standard", price: eur(490n), charged: eur(0n), address: { city: "Berlin" } },
    });
    const { lines, confirmedAt } = (receipt?.message ?? {}) as OrderConfirmed;
    expect(lines.map((line) => [line.productId, line.quantity, line.lineTotal?.amountMinor])).toEqual([
      ["p-1", 2, 4000n],
    ]);
    expect(confirmedAt?.seconds).toBe(confirmed?.updatedAt?.seconds);
  });

  it("charges the option's price when promotions' answer does not say what shipping costs", async () => {
    const { order } = await place({ shippingAddress: berlin(), shippingOption: "standard" });
    const id = order?.id ?? "";
    await deliverFor(fn, OrderPricedSchema, id, {
      subtotal: eur(4000n),
      discount: eur(0n),
      total: eur(4490n),
    });
    const { order: priced } = await (await clientAs(fn, erin)).getOrder({ id });
    expect(priced?.shipping).toMatchObject({ price: eur(490n), charged: eur(490n) });
  });

  it("shows the discount, not the shipping, when the reserved total overtakes promotions' answer", async () => {
    const { order } = await place({ shippingAddress: berlin(), shippingOption: "standard" });
    const id = order?.id ?? "";
    // 40.00 + 4.90 shipping − 5.00 discount, as inventory carries it from OrderPriced.
    await deliverFor(fn, StockReservedSchema, id, { total: eur(3990n) });
    const { order: reserved } = await (await clientAs(fn, erin)).getOrder({ id });
    expect(reserved).toMatchObject({ status: OrderStatus.RESERVED, total: eur(3990n), discount: eur(500n) });
  });

  it("gives an order without shipping no shipping charge, whatever promotions says", async () => {
    const { order } = await place({});
    const id = order?.id ?? "";
    await deliverFor(fn, OrderPricedSchema, id, { discount: eur(0n), shipping: eur(0n), total: eur(4000n) });
    await deliverFor(fn, StockReservedSchema, id, { total: eur(4000n) });
    await deliverFor(fn, PaymentSucceededSchema, id, { paymentId: "pay-2", amount: eur(4000n) });
    const { order: confirmed } = await (await clientAs(fn, erin)).getOrder({ id });
    expect(confirmed?.shipping).toBeUndefined();
    const receipt = (await emitted(fn, id)).find((event) => event.type === OrderConfirmedSchema.typeName);
    expect((receipt?.message as OrderConfirmed | undefined)?.shipping).toBeUndefined();
  });
});
