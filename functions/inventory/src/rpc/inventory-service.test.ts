import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import type { RunningFunction } from "@shop/runtime";
import { createAuthInterceptor, createTokenSigner, createTokenVerifier, envSecretStore } from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import { InventoryService } from "@shop/schemas/inventory/v1/inventory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import routes, { accessPolicy } from "../connect.ts";
import { inventoryFunction } from "../function.ts";
import { eventsFor, orderPriced } from "../test-support.ts";

const signer = createTokenSigner(envSecretStore({}));

describe("InventoryService", () => {
  let fn: RunningFunction;
  const clientAs = async (role?: "customer" | "admin") => {
    const token = role ? (await signer.sign({ userId: `${role}-1`, role }, 600)).token : undefined;
    const transport = createRouterTransport((router) => routes(router, fn.app), {
      router: { interceptors: [createAuthInterceptor(createTokenVerifier(fn.app.secrets), accessPolicy)] },
      transport: {
        interceptors: [
          (next) => (req) => {
            if (token) req.header.set("authorization", `Bearer ${token}`);
            return next(req);
          },
        ],
      },
    });
    return createClient(InventoryService, transport);
  };

  beforeAll(async () => {
    fn = await startForTest(inventoryFunction);
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
