/**
 * A purchase for the trace tests: a product with stock, a coupon, an order placed with it, followed
 * until it is final.
 */
import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { waitFor } from "@shop/runtime/testing";
import { type Order, OrderStatus } from "@shop/schemas/orders/v1/orders";
import type { ShopClients } from "../clients.ts";

const FINAL = [OrderStatus.CONFIRMED, OrderStatus.CANCELLED];

/** Makes a product and a coupon (as `admin`), places an order with both (as `customer`), awaits its end. */
export async function placeAndConfirm(admin: ShopClients, customer: ShopClients, paymentToken: string) {
  const { product } = await admin.catalog.upsertProduct({
    product: {
      name: "Traced Teapot",
      description: "A teapot whose every move is seen",
      price: { amountMinor: 2_000n, currency: "EUR" },
      category: "kitchen",
      imageUrl: "",
      active: true,
    },
  });
  await admin.inventory.setStock({ productId: product!.id, available: 10 });
  const code = `TRACE${randomUUID().slice(0, 6).toUpperCase()}`;
  await admin.promotions.createPromotion({
    promotion: { name: "Traced ten", code, discount: { case: "percentOff", value: 10 } },
  });
  const request = {
    lines: [{ productId: product!.id, quantity: 1 }],
    couponCode: code,
    paymentToken,
    idempotencyKey: randomUUID(),
  };
  const placed = (await waitFor(
    async () => {
      try {
        return (await customer.orders.placeOrder(request)).order;
      } catch (error) {
        // orders learns of the product from ProductChanged: wait for its projection.
        const refused = ConnectError.from(error);
        if (refused.code === Code.InvalidArgument && /not for sale|unknown/i.test(refused.message))
          return undefined;
        throw error;
      }
    },
    { message: "orders to know the product", timeoutMs: 30_000 },
  )) as Order;
  return finalOrder(customer, placed.id);
}

/** Follows an order with WatchOrder until it is final. */
async function finalOrder(clients: ShopClients, id: string): Promise<Order> {
  let last: Order | undefined;
  for await (const { order } of clients.orders.watchOrder({ id }, { timeoutMs: 60_000 })) {
    last = order;
    if (order && FINAL.includes(order.status)) break;
  }
  if (!last || !FINAL.includes(last.status))
    throw new Error(`order ${id} ended the stream at ${last?.status}`);
  return last;
}
