/**
 * The customer journey end to end on real Kafka and real Postgres, through the local runner and the
 * Triggers in knative/, with notifications sending to a real SMTP server in process (the dev mail
 * catcher startShop runs): register and verify the address from the welcome mail, fill a guest cart,
 * log in and merge it, check out with an address, express shipping and a coupon, read the receipt,
 * follow the parcel until it is delivered, cancel a second order and see everything given back, and
 * reset a forgotten password from the emailed link. Driven only by Connect clients, as the storefront is.
 */

import { randomUUID } from "node:crypto";
import { Code } from "@connectrpc/connect";
import type { CaughtMail } from "@shop/notifications/mail-catcher";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import { CancelledBy, OrderStatus, ShipmentStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginAs, type ShopClients, shopClients } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { linkToken, orderWhere, refused, whenKnown } from "./journey-helpers.ts";
import { type Shop, startShop } from "./start-shop.ts";

// The parcels are moved by the back office's DispatchShipment/DeliverShipment here, not by the dev
// carrier's timer, so the second order is still cancellable when the customer cancels it.
process.env.SHIPPING_DEV_CARRIER = "0";

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });
const PASSWORD = "correct horse battery";
const ADDRESS = {
  name: "Dana Fischer",
  line1: "Lindenallee 12",
  line2: "",
  city: "Köln",
  postcode: "50668",
  country: "DE",
};

let shop: Shop;
let admin: ShopClients;

beforeAll(async () => {
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: [inject("kafkaBrokers")],
    topic: testTopic("shop"),
    dlqTopic: testTopic("dlq"),
    mailCatcher: true,
  });
  admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
}, 120_000);

afterAll(() => shop?.close());

/** The mail that reached `address` so far whose subject matches, oldest first. */
function mailTo(address: string, subject: RegExp): CaughtMail[] {
  return (shop.mail?.messages() ?? []).filter((m) => m.to.includes(address) && subject.test(m.subject));
}

/** Waits for the first mail to `address` whose subject matches. */
function awaitMail(address: string, subject: RegExp): Promise<CaughtMail> {
  return waitFor(() => mailTo(address, subject)[0], {
    message: `mail ${subject} to ${address}`,
    timeoutMs: 60_000,
  });
}

async function product(name: string, priceMinor: number, stock: number): Promise<string> {
  const { product: created } = await admin.catalog.upsertProduct({
    product: {
      name,
      description: `A fine ${name}`,
      price: EUR(priceMinor),
      category: "kitchen",
      active: true,
    },
  });
  await admin.inventory.setStock({ productId: created?.id ?? "", available: stock });
  return created?.id ?? "";
}

describe("the customer journey", { timeout: 240_000 }, () => {
  const email = `dana-${randomUUID().slice(0, 8)}@example.com`;

  it("registers, verifies, merges a guest cart, buys, follows the parcel, cancels, and resets a password", async () => {
    const mug = await product("Journey Mug", 1_250, 20);
    const tea = await product("Journey Tea", 800, 20);
    await admin.promotions.createPromotion({
      promotion: { name: "Five off", code: "JOURNEY5", discount: { case: "amountOff", value: EUR(500) } },
    });

    // Register, and verify the address from the link in the welcome mail.
    const anonymous = shopClients(shop.url);
    await anonymous.identity.register({ email, password: PASSWORD });
    const welcome = await awaitMail(email, /^Welcome to Shop/);
    expect(welcome.subject).toBe("Welcome to Shop: please confirm your email");
    const { user: verified } = await anonymous.identity.verifyEmail({ token: linkToken(welcome, "verify") });
    expect(verified).toMatchObject({ email, emailVerified: true });

    // A guest cart, filled before logging in, then merged into the customer's cart.
    const guest = shopClients(shop.url).cart;
    const first = await whenKnown("cart to know the mug", () =>
      guest.addItem({ productId: mug, quantity: 2 }),
    );
    const guestCartId = first.cart?.id ?? "";
    await whenKnown("cart to know the tea", () =>
      guest.addItem({ cartId: guestCartId, productId: tea, quantity: 1 }),
    );
    const session = await loginAs(shop.url, email, PASSWORD);
    const dana = session.clients;
    expect(session.user.emailVerified).toBe(true);
    const merged = (await dana.cart.mergeCart({ guestCartId })).cart;
    expect(merged).toMatchObject({ customerId: session.user.id, subtotal: EUR(3_300) });
    const { cart: seen } = await dana.cart.getCart({});
    expect(seen?.id).toBe(merged?.id);
    expect(seen?.lines.map((l) => [l.productId, l.quantity]).sort()).toEqual(
      [
        [mug, 2],
        [tea, 1],
      ].sort(),
    );

    // Express shipping is offered to the address's country at its price.
    const options = await waitFor(
      async () => {
        const { options } = await dana.shipping.listShippingOptions({ subtotal: EUR(3_300), country: "DE" });
        return options.some((o) => o.id === "express") ? options : undefined;
      },
      { message: "express shipping offered to DE" },
    );
    expect(options.find((o) => o.id === "express")?.price).toMatchObject(EUR(1_290));

    // Check out from the cart: 33.00 − 5.00 + 12.90 = 40.90.
    const placed = await whenKnown("orders to know the products and express", async () => {
      const { order } = await dana.orders.placeOrder({
        lines: (seen?.lines ?? []).map(({ productId, quantity }) => ({ productId, quantity })),
        couponCode: "JOURNEY5",
        paymentToken: "tok_visa",
        idempotencyKey: randomUUID(),
        cartId: merged?.id ?? "",
        shippingAddress: ADDRESS,
        shippingOption: "express",
      });
      return order;
    });
    const id = placed?.id ?? "";
    const confirmed = await orderWhere(
      dana,
      id,
      "the order confirmed",
      (o) => o.status === OrderStatus.CONFIRMED,
    );
    expect(confirmed).toMatchObject({
      subtotal: EUR(3_300),
      discount: EUR(500),
      shipping: { option: "express", charged: EUR(1_290) },
      total: EUR(4_090),
    });
    await waitFor(async () => ((await dana.cart.getCart({})).cart?.lines.length ?? -1) === 0, {
      message: "the cart emptied by the order placed from it",
    });

    const receipt = await awaitMail(email, /receipt/);
    expect(receipt.subject).toBe(`Your Shop receipt for order ${id}`);
    for (const row of [
      "2 × Journey Mug: €25.00",
      "1 × Journey Tea: €8.00",
      "Subtotal: €33.00",
      "Discount (code JOURNEY5, Five off): -€5.00",
      "Shipping (Express delivery): €12.90",
      "Total paid: €40.90",
      "Lindenallee 12",
    ])
      expect(receipt.text).toContain(row);

    // The parcel: created from the confirmation, dispatched, delivered, each step on the order.
    await orderWhere(
      dana,
      id,
      "the shipment prepared",
      (o) => o.shipment?.status === ShipmentStatus.PREPARING,
    );
    await admin.shipping.dispatchShipment({ orderId: id, carrier: "DHL", trackingNumber: "JJD0001" });
    const dispatched = await orderWhere(
      dana,
      id,
      "the order dispatched",
      (o) => o.shipment?.status === ShipmentStatus.DISPATCHED,
    );
    expect(dispatched.shipment).toMatchObject({ carrier: "DHL", trackingNumber: "JJD0001" });
    expect(dispatched.shipment?.dispatchedAt).toBeDefined();
    expect((await awaitMail(email, /is on its way/)).text).toContain("JJD0001");
    await admin.shipping.deliverShipment({ orderId: id });
    const delivered = await orderWhere(
      dana,
      id,
      "the order delivered",
      (o) => o.shipment?.status === ShipmentStatus.DELIVERED,
    );
    expect(delivered.shipment?.deliveredAt).toBeDefined();
    const shipped = await refused(dana.orders.cancelOrder({ id, reason: "too late" }));
    expect(shipped.code).toBe(Code.FailedPrecondition);

    // A second order, cancelled by the customer before dispatch: stock, coupon and charge given back.
    const before = (await admin.inventory.getStock({ productId: mug })).stock;
    const redemptions = async () =>
      (await admin.promotions.listPromotions({})).promotions.find((p) => p.code === "JOURNEY5")
        ?.redemptionCount;
    expect(await redemptions()).toBe(1);
    const second = (
      await dana.orders.placeOrder({
        lines: [{ productId: mug, quantity: 3 }],
        couponCode: "JOURNEY5",
        paymentToken: "tok_visa",
        idempotencyKey: randomUUID(),
        shippingAddress: ADDRESS,
        shippingOption: "express",
      })
    ).order;
    const secondId = second?.id ?? "";
    const paid = await orderWhere(
      dana,
      secondId,
      "the second order confirmed",
      (o) => o.status === OrderStatus.CONFIRMED,
    );
    expect(paid.total).toMatchObject(EUR(3 * 1_250 - 500 + 1_290));
    expect(await redemptions()).toBe(2);
    await waitFor(
      async () =>
        (await admin.inventory.getStock({ productId: mug })).stock?.sold === (before?.sold ?? 0) + 3,
      {
        message: "the second order's mugs sold",
      },
    );
    const { order: cancelled } = await dana.orders.cancelOrder({ id: secondId, reason: "Found one at home" });
    expect(cancelled).toMatchObject({
      status: OrderStatus.CANCELLED,
      cancelReason: "Found one at home",
      cancellation: { by: CancelledBy.CUSTOMER },
    });
    await waitFor(
      async () => {
        const { stock } = await admin.inventory.getStock({ productId: mug });
        return (
          stock?.available === before?.available && stock?.sold === before?.sold && stock?.reserved === 0
        );
      },
      { message: "the cancelled mugs back in stock" },
    );
    await waitFor(async () => (await redemptions()) === 1, { message: "the coupon released" });
    const refund = await waitFor(async () => (await dana.orders.getOrder({ id: secondId })).order?.refund, {
      message: "the charge refunded",
    });
    expect(refund.amount).toMatchObject(paid.total ?? {});
    const cancellation = await awaitMail(email, /is cancelled/);
    expect(cancellation.subject).toBe(`Your Shop order ${secondId} is cancelled`);
    expect(cancellation.text).toContain("Found one at home");
    expect(cancellation.text).toContain("€45.40");
    await orderWhere(
      dana,
      secondId,
      "the parcel cancelled",
      (o) => o.shipment?.status === ShipmentStatus.CANCELLED,
    );
    // The first order is untouched, and each order had exactly one receipt.
    expect((await dana.orders.getOrder({ id })).order?.status).toBe(OrderStatus.CONFIRMED);
    expect(
      mailTo(email, /receipt/)
        .map((m) => m.subject)
        .sort(),
    ).toEqual([`Your Shop receipt for order ${id}`, `Your Shop receipt for order ${secondId}`].sort());

    // A forgotten password, reset from the emailed link: the old sessions end, the link works once.
    await anonymous.identity.requestPasswordReset({ email });
    const reset = await awaitMail(email, /^Reset your Shop password/);
    const token = linkToken(reset, "reset");
    await anonymous.identity.resetPassword({ token, newPassword: "a brand new passphrase" });
    const oldRefresh = await refused(
      anonymous.identity.refresh({ refreshToken: session.tokens.refreshToken }),
    );
    expect(oldRefresh.code).toBe(Code.Unauthenticated);
    expect(oldRefresh.rawMessage).toBe("Your session has ended. Please log in again.");
    expect((await refused(dana.identity.me({}))).code).toBe(Code.Unauthenticated);
    expect((await refused(loginAs(shop.url, email, PASSWORD))).code).toBe(Code.Unauthenticated);
    const again = await refused(
      anonymous.identity.resetPassword({ token, newPassword: "yet another passphrase" }),
    );
    expect(again.code).toBe(Code.InvalidArgument);
    expect(again.rawMessage).toMatch(/already used/);
    const fresh = await loginAs(shop.url, email, "a brand new passphrase");
    expect((await fresh.clients.orders.listOrders({})).orders.map((o) => o.id).sort()).toEqual(
      [id, secondId].sort(),
    );
    await awaitMail(email, /password was changed/);
  });
});
