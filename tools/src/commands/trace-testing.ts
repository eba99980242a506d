/**
 * For the tests of `shop trace`: one purchase through a running shop's Connect API, as a frontend
 * places it (the admin adds a product with stock, a new customer orders it), followed to its end.
 */
import { randomUUID } from "node:crypto";
import { DEV_ADMIN, loginAs, shopClients } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";

/** Places an order paid with `paymentToken` and waits until it is confirmed; resolves with its id. */
export async function confirmedPurchase(url: string, paymentToken = "tok_visa"): Promise<string> {
  const admin = (await loginAs(url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  const { product } = await admin.catalog.upsertProduct({
    product: {
      name: "Trace Mug",
      category: "kitchen",
      price: { amountMinor: 900n, currency: "EUR" },
      active: true,
    },
  });
  await admin.inventory.setStock({ productId: product!.id, available: 5 });
  const email = `tracer-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(url).identity.register({ email, password: "correct horse battery" });
  const { clients } = await loginAs(url, email, "correct horse battery");
  const request = {
    lines: [{ productId: product!.id, quantity: 1 }],
    paymentToken,
    idempotencyKey: randomUUID(),
  };
  // orders learns of the product from ProductChanged, a moment after the upsert.
  const order = await waitFor(
    () =>
      clients.orders.placeOrder(request).then(
        (r) => r.order,
        () => undefined,
      ),
    { message: "orders to sell the product" },
  );
  await waitFor(
    async () =>
      (await clients.orders.getOrder({ id: order.id })).order?.status === OrderStatus.CONFIRMED || undefined,
    { message: `order ${order.id} to be confirmed`, timeoutMs: 30_000 },
  );
  return order.id;
}

/** Runs `shop trace` with `args` until `complete` holds of its output; resolves with that output. */
export async function waterfallOf(
  run: (args: string[], print: (line: string) => void) => Promise<void>,
  args: string[],
  complete: (text: string) => boolean,
): Promise<string> {
  return waitFor(
    async () => {
      const out: string[] = [];
      await run(args, (line) => out.push(line));
      const text = out.join("\n");
      return complete(text) ? text : undefined;
    },
    // Spans reach the store when each function's batch is exported (every few seconds).
    { message: "the whole waterfall", timeoutMs: 30_000 },
  );
}
