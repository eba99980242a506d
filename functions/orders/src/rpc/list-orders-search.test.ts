import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { OrderPricingRejectedSchema } from "@shop/schemas/promotions/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientAs,
  deliverFor,
  putProduct,
  type RunningOrders,
  refusal,
  startOrders,
} from "../test-support.ts";

const admin = { userId: "root", role: "admin" } as const;
const customer = (userId: string) => ({ userId, role: "customer" }) as const;

describe("ListOrders as the back office's search", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  const ids: Record<"ann1" | "ann2" | "bob1", string> = { ann1: "", ann2: "", bob1: "" };
  let start: Date;
  beforeAll(async () => {
    fn = await startOrders();
    await putProduct(fn, "p-1");
    start = new Date(Date.now() - 1000);
    const place = async (userId: string, key: string) => {
      const { order } = await (await clientAs(fn, customer(userId))).placeOrder({
        lines: [{ productId: "p-1", quantity: 1 }],
        idempotencyKey: key,
        paymentToken: "tok_visa",
      });
      return order?.id ?? "";
    };
    ids.ann1 = await place("ann", "a-1");
    ids.ann2 = await place("ann", "a-2");
    ids.bob1 = await place("bob", "b-1");
    await deliverFor(fn, OrderPricingRejectedSchema, ids.ann2, { reason: "Unknown coupon." }, "ann");
  }, 60_000);
  afterAll(() => fn.close());

  async function list(viewer: ReturnType<typeof customer> | typeof admin, filters: object = {}) {
    const { orders } = await (await clientAs(fn, viewer)).listOrders({ pageSize: 100, ...filters });
    return orders.map((o) => o.id);
  }

  it("shows an admin every customer's orders, newest first", async () => {
    expect(await list(admin)).toEqual([ids.bob1, ids.ann2, ids.ann1]);
  });

  it("narrows by customer, status, order id and creation time, the filters together", async () => {
    expect(await list(admin, { customerId: "ann" })).toEqual([ids.ann2, ids.ann1]);
    expect(await list(admin, { statuses: [OrderStatus.CANCELLED] })).toEqual([ids.ann2]);
    expect(await list(admin, { statuses: [OrderStatus.PENDING, OrderStatus.CONFIRMED] })).toEqual([
      ids.bob1,
      ids.ann1,
    ]);
    expect(await list(admin, { orderId: ids.bob1 })).toEqual([ids.bob1]);
    expect(await list(admin, { customerId: "bob", statuses: [OrderStatus.CANCELLED] })).toEqual([]);
    const after = timestampFromDate(new Date(Date.now() + 60_000));
    expect(await list(admin, { createdFrom: timestampFromDate(start) })).toHaveLength(3);
    expect(await list(admin, { createdFrom: after })).toEqual([]);
    expect(await list(admin, { createdBefore: timestampFromDate(start) })).toEqual([]);
  });

  it("pages through a filtered list", async () => {
    const client = await clientAs(fn, admin);
    const first = await client.listOrders({ pageSize: 1, customerId: "ann" });
    const second = await client.listOrders({
      pageSize: 1,
      customerId: "ann",
      pageToken: first.nextPageToken,
    });
    expect([...first.orders, ...second.orders].map((o) => o.id)).toEqual([ids.ann2, ids.ann1]);
    expect(second.nextPageToken).toBe("");
  });

  it("keeps a customer to their own orders: the filters only narrow them", async () => {
    expect(await list(customer("ann"))).toEqual([ids.ann2, ids.ann1]);
    expect(await list(customer("ann"), { customerId: "bob" })).toEqual([]);
    expect(await list(customer("ann"), { orderId: ids.bob1 })).toEqual([]);
    expect(await list(customer("bob"), { statuses: [OrderStatus.PENDING] })).toEqual([ids.bob1]);
  });

  it("refuses filters that cannot match anything meaningful, with a sentence", async () => {
    const client = await clientAs(fn, admin);
    const now = new Date();
    expect(
      await refusal(
        client.listOrders({ createdFrom: timestampFromDate(now), createdBefore: timestampFromDate(now) }),
      ),
    ).toEqual({
      code: Code.InvalidArgument,
      message: "The date range is empty: created_from must be earlier than created_before.",
    });
    expect(await refusal(client.listOrders({ statuses: [OrderStatus.UNSPECIFIED] }))).toEqual({
      code: Code.InvalidArgument,
      message: "A status filter must name a status, not UNSPECIFIED.",
    });
    expect(await refusal(client.listOrders({ customerId: "x".repeat(201) }))).toEqual({
      code: Code.InvalidArgument,
      message: "The customer id to search by has at most 200 characters.",
    });
    expect(await refusal(client.listOrders({ orderId: "x".repeat(201) }))).toEqual({
      code: Code.InvalidArgument,
      message: "The order id to search by has at most 200 characters.",
    });
  });
});
