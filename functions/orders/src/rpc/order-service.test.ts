import { Code, ConnectError } from "@connectrpc/connect";
import { envSecretStore, openPaymentToken, UnreadableCiphertextError } from "@shop/runtime";
import { testClient } from "@shop/runtime/testing";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { OrderService, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAs, emitted, putProduct, type RunningOrders, startOrders } from "../test-support.ts";

const alice = { userId: "alice", role: "customer" } as const;
const bob = { userId: "bob", role: "customer" } as const;
const admin = { userId: "root", role: "admin" } as const;

async function codeOf(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return { code: (error as ConnectError).code, message: (error as ConnectError).rawMessage };
}

describe("OrderService", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  beforeAll(async () => {
    fn = await startOrders();
    await putProduct(fn, "p-1", { name: "Dune", category: "books", priceMinor: 1250n });
    await putProduct(fn, "p-2", { name: "Lamp", category: "home", priceMinor: 3999n });
    await putProduct(fn, "p-off", { active: false });
    await putProduct(fn, "p-usd", { currency: "USD" });
    // PGlite starts in seconds, more on a loaded machine.
  }, 60_000);
  afterAll(() => fn.close());

  it("places an order priced from the catalog projection and emits OrderPlaced", async () => {
    const client = await clientAs(fn, alice);
    const { order } = await client.placeOrder({
      lines: [
        { productId: "p-1", quantity: 2 },
        { productId: "p-2", quantity: 1 },
        { productId: "p-1", quantity: 1 },
      ],
      couponCode: " SPRING10 ",
      idempotencyKey: "k-place",
      paymentToken: "tok_visa",
    });
    expect(order).toMatchObject({
      customerId: "alice",
      status: OrderStatus.PENDING,
      subtotal: { amountMinor: 7749n, currency: "EUR" },
      discount: { amountMinor: 0n, currency: "EUR" },
      total: { amountMinor: 7749n, currency: "EUR" },
      couponCode: "SPRING10",
      cancelReason: "",
    });
    expect(order?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      order?.lines.map((l) => [l.productId, l.productName, l.category, l.quantity, l.lineTotal?.amountMinor]),
    ).toEqual([
      ["p-1", "Dune", "books", 3, 3750n],
      ["p-2", "Lamp", "home", 1, 3999n],
    ]);

    const events = await emitted(fn, order?.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe(OrderPlacedSchema.typeName);
    expect(events[0]?.message).toMatchObject({
      orderId: order?.id,
      customerId: "alice",
      subtotal: { amountMinor: 7749n, currency: "EUR" },
      couponCode: "SPRING10",
      // The token travels only sealed for payments, bound to this order.
      paymentToken: "",
      sealedPaymentToken: expect.stringMatching(/^vault:v1:/),
    });
    const placed = events[0]?.message as { sealedPaymentToken?: string } | undefined;
    const sealed = placed?.sealedPaymentToken ?? "";
    expect(sealed).not.toContain("tok_visa");
    const local = envSecretStore({});
    await expect(openPaymentToken(local, sealed, order?.id ?? "")).resolves.toBe("tok_visa");
    await expect(openPaymentToken(local, sealed, "another-order")).rejects.toThrow(UnreadableCiphertextError);
  });

  it("returns the same order for the same idempotency key and emits only once", async () => {
    const client = await clientAs(fn, alice);
    const request = {
      lines: [{ productId: "p-1", quantity: 1 }],
      idempotencyKey: "k-twice",
      paymentToken: "tok_visa",
    };
    const first = await client.placeOrder(request);
    const again = await client.placeOrder({ ...request, lines: [{ productId: "p-2", quantity: 5 }] });
    // A retry the catalog would refuse now (a product not for sale) still gets the first order.
    const refused = await client.placeOrder({ ...request, lines: [{ productId: "p-off", quantity: 1 }] });
    const [raced1, raced2] = await Promise.all([client.placeOrder(request), client.placeOrder(request)]);
    const id = first.order?.id;
    expect([again.order?.id, refused.order?.id, raced1.order?.id, raced2.order?.id]).toEqual([
      id,
      id,
      id,
      id,
    ]);
    expect(await emitted(fn, id)).toHaveLength(1);
    // The key is the customer's own: another customer with the same key gets a new order.
    const other = await (await clientAs(fn, bob)).placeOrder(request);
    expect(other.order?.id).not.toBe(id);
  });

  it.each([
    [[{ productId: "p-9", quantity: 1 }], "k1", /Product p-9 is not for sale/],
    [[{ productId: "p-off", quantity: 1 }], "k2", /Product p-off is not for sale/],
    [[{ productId: "p-1", quantity: 0 }], "k3", /quantity of p-1 must be between 1 and 100/],
    [[{ productId: "p-1", quantity: 101 }], "k4", /quantity of p-1 must be between 1 and 100/],
    [
      [
        { productId: "p-1", quantity: 60 },
        { productId: "p-1", quantity: 41 },
      ],
      "k5",
      /at most 100 of p-1/,
    ],
    [[], "k6", /at least one line/],
    [
      [
        { productId: "p-1", quantity: 1 },
        { productId: "p-usd", quantity: 1 },
      ],
      "k7",
      /same currency/,
    ],
    [[{ productId: "p-1", quantity: 1 }], "", /idempotency key is required/],
    [[{ productId: "p-1", quantity: 1 }], "x".repeat(101), /at most 100 characters/],
    [Array.from({ length: 51 }, (_, i) => ({ productId: `p-${i}`, quantity: 1 })), "k8", /at most 50/],
  ])(
    "refuses an order that cannot be placed (%#) with InvalidArgument, storing and emitting nothing",
    async (lines, idempotencyKey, message) => {
      const client = await clientAs(fn, { userId: "carol", role: "customer" });
      const before = (await emitted(fn)).length;
      const { code, message: text } = await codeOf(
        client.placeOrder({ lines, idempotencyKey, paymentToken: "tok_visa" }),
      );
      expect(code).toBe(Code.InvalidArgument);
      expect(text).toMatch(message);
      expect((await client.listOrders({})).orders).toEqual([]);
      expect(await emitted(fn)).toHaveLength(before);
    },
  );

  it("shows a customer their own orders only; another's reads as not found; an admin reads any", async () => {
    const aliceClient = await clientAs(fn, alice);
    const bobClient = await clientAs(fn, bob);
    const { order } = await aliceClient.placeOrder({
      lines: [{ productId: "p-2", quantity: 1 }],
      idempotencyKey: "k-private",
    });
    const id = order?.id ?? "";
    expect((await aliceClient.getOrder({ id })).order?.id).toBe(id);
    expect(await codeOf(bobClient.getOrder({ id }))).toMatchObject({ code: Code.NotFound });
    const missing = await codeOf(bobClient.getOrder({ id: "no-such-order" }));
    expect(missing.code).toBe(Code.NotFound);
    expect((await (await clientAs(fn, admin)).getOrder({ id })).order?.customerId).toBe("alice");
    expect((await bobClient.listOrders({})).orders.map((o) => o.id)).not.toContain(id);
  });

  it("lists the caller's orders newest first, a page at a time", async () => {
    const client = await clientAs(fn, { userId: "dave", role: "customer" });
    const placed: string[] = [];
    for (const key of ["a", "b", "c", "d", "e"]) {
      const { order } = await client.placeOrder({
        lines: [{ productId: "p-1", quantity: 1 }],
        idempotencyKey: key,
      });
      placed.push(order?.id ?? "");
    }
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await client.listOrders({ pageSize: 2, pageToken });
      expect(page.orders.length).toBeLessThanOrEqual(2);
      seen.push(...page.orders.map((o) => o.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(placed.reverse());
    expect(await codeOf(client.listOrders({ pageToken: "garbage" }))).toMatchObject({
      code: Code.InvalidArgument,
    });
  });

  it("asks a caller without a token to log in", async () => {
    const anonymous = await testClient(fn, OrderService);
    expect(await codeOf(anonymous.listOrders({}))).toMatchObject({ code: Code.Unauthenticated });
  });
});
