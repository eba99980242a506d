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

  it("refuses a write based on stock that changed since it was read, and says what to do", async () => {
    const admin = await clientAs("admin");
    const { stock: read } = await admin.setStock({ productId: "lamp", available: 10 });
    expect(read?.version).toBe(1n);
    await fn.receive(orderPriced("o-2", [["lamp", 3]]));
    const announced = await eventsFor(fn, "lamp");

    // The administrator read 10 and writes 10 after a reservation: that would promise 13 of 10.
    await expect(
      admin.setStock({ productId: "lamp", available: 10, expectedVersion: read?.version }),
    ).rejects.toMatchObject({
      code: Code.Aborted,
      rawMessage: "The stock of lamp changed since you read it (version 1, now 2). Read it again and retry.",
    });
    const { stock: now } = await admin.getStock({ productId: "lamp" });
    expect(now).toMatchObject({ available: 7, reserved: 3, version: 2n });
    expect(await eventsFor(fn, "lamp")).toEqual(announced);

    const { stock: written } = await admin.setStock({
      productId: "lamp",
      available: 10,
      expectedVersion: now?.version,
    });
    expect(written).toMatchObject({ available: 10, reserved: 3, version: 3n });
  });

  it("lets only one of two administrators who read the same version write", async () => {
    const admin = await clientAs("admin");
    const { stock: read } = await admin.setStock({ productId: "sofa", available: 1 });
    const outcomes = await Promise.allSettled(
      [4, 5].map((available) =>
        admin.setStock({ productId: "sofa", available, expectedVersion: read?.version }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.find((o) => o.status === "rejected")?.reason).toMatchObject({ code: Code.Aborted });
    expect((await admin.getStock({ productId: "sofa" })).stock?.version).toBe(2n);
  });

  it("stocks a product for the first time at expected version 0, once", async () => {
    const admin = await clientAs("admin");
    const { stock: read } = await admin.getStock({ productId: "desk" });
    expect(read?.version).toBe(0n);
    const { stock } = await admin.setStock({ productId: "desk", available: 2, expectedVersion: 0n });
    expect(stock).toMatchObject({ available: 2, version: 1n });
    await expect(
      admin.setStock({ productId: "desk", available: 3, expectedVersion: 0n }),
    ).rejects.toMatchObject({
      code: Code.Aborted,
      rawMessage: "The stock of desk changed since you read it (version 0, now 1). Read it again and retry.",
    });
    await expect(
      admin.setStock({ productId: "never-stocked", available: 3, expectedVersion: 4n }),
    ).rejects.toMatchObject({
      code: Code.Aborted,
      rawMessage: expect.stringContaining("(version 4, now 0)"),
    });
  });

  it("still writes a SetStock without expected_version, as clients from before versions send it", async () => {
    const admin = await clientAs("admin");
    await admin.setStock({ productId: "shelf", available: 4 });
    await fn.receive(orderPriced("o-3", [["shelf", 1]]));
    const { stock } = await admin.setStock({ productId: "shelf", available: 9 });
    expect(stock).toMatchObject({ available: 9, reserved: 1, version: 3n });
  });

  it("answers zeros for a product never stocked", async () => {
    const admin = await clientAs("admin");
    expect((await admin.getStock({ productId: "never" })).stock).toMatchObject({
      productId: "never",
      available: 0,
      reserved: 0,
      sold: 0,
      version: 0n,
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
