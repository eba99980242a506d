import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsFor, type Inventory, inventoryClient, orderPriced, startInventory } from "../test-support.ts";

describe("InventoryService", () => {
  let fn: Inventory;
  const clientAs = (role?: "customer" | "admin") =>
    inventoryClient(fn, role ? { userId: `${role}-1`, role } : undefined);

  beforeAll(async () => {
    fn = await startInventory();
  });
  afterAll(() => fn.close());

  it("sets a product's available units, keeps what orders hold, and announces the change", async () => {
    const admin = await clientAs("admin");
    await admin.setStock({ productId: "mug", available: 5 });
    await fn.receive(orderPriced("o-1", [["mug", 2]]));

    const { stock } = await admin.setStock({ productId: "mug", available: 20 });
    expect(stock).toMatchObject({ productId: "mug", available: 20, reserved: 2, sold: 0 });
    expect((await admin.getStock({ productId: "mug" })).stock).toMatchObject({ available: 20, reserved: 2 });
    expect((await eventsFor(fn, "mug")).map(([, m]) => m)).toEqual(
      [5, 3, 20].map((available) => expect.objectContaining({ productId: "mug", available })),
    );
  });

  it("answers zeros for a product never stocked", async () => {
    const admin = await clientAs("admin");
    expect((await admin.getStock({ productId: "never" })).stock).toMatchObject({
      productId: "never",
      available: 0,
      reserved: 0,
      sold: 0,
    });
  });

  it("refuses a negative count or a missing product id", async () => {
    const admin = await clientAs("admin");
    await expect(admin.setStock({ productId: "mug", available: -1 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringMatching(/whole number from 0/),
    });
    await expect(admin.setStock({ productId: " ", available: 1 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
    await expect(admin.getStock({ productId: "" })).rejects.toMatchObject({ code: Code.InvalidArgument });
  });

  it("lets only administrators in", async () => {
    const customer = await clientAs("customer");
    const anonymous = await clientAs();
    await expect(customer.setStock({ productId: "mug", available: 1 })).rejects.toMatchObject({
      code: Code.PermissionDenied,
    });
    await expect(customer.getStock({ productId: "mug" })).rejects.toBeInstanceOf(ConnectError);
    await expect(customer.getStock({ productId: "mug" })).rejects.toMatchObject({
      code: Code.PermissionDenied,
    });
    await expect(anonymous.getStock({ productId: "mug" })).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
  });
});
