/**
 * The back office's inventory: ListStock (paging, refusals, who may call it) and the audit entry of
 * every SetStock that changed something.
 */
import { isMessage } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { publishedEvents } from "@shop/runtime/testing";
import { type AdminActionRecorded, AdminActionRecordedSchema } from "@shop/schemas/audit/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Inventory, inventoryClient, orderPriced, startInventory } from "../test-support.ts";

describe("the back office's inventory", () => {
  let fn: Inventory;
  const clientAs = (role?: "customer" | "admin") =>
    inventoryClient(fn, role ? { userId: `${role}-1`, role } : undefined);
  const auditOf = async (target: string) =>
    (await publishedEvents(fn))
      .map((d) => d.message)
      .filter(
        (m): m is AdminActionRecorded => isMessage(m, AdminActionRecordedSchema) && m.target === target,
      );

  beforeAll(async () => {
    fn = await startInventory();
  });
  afterAll(() => fn.close());

  it("lists every stocked product by id, a page at a time, with available, reserved, sold and version", async () => {
    const admin = await clientAs("admin");
    for (const [id, units] of [
      ["ls-c", 3],
      ["ls-a", 1],
      ["ls-b", 2],
      ["ls-d", 4],
      ["ls-e", 5],
    ] as const) {
      await admin.setStock({ productId: id, available: units });
    }
    await fn.receive(orderPriced("o-ls", [["ls-b", 1]]));
    const seen: { productId: string; available: number; reserved: number; version: bigint }[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await admin.listStock({ pageSize: 2, pageToken });
      seen.push(...page.stock.filter((s) => s.productId.startsWith("ls-")));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken && pages < 50);
    expect(seen.map((s) => s.productId)).toEqual(["ls-a", "ls-b", "ls-c", "ls-d", "ls-e"]);
    expect(seen[1]).toMatchObject({ available: 1, reserved: 1, sold: 0, version: 2n });
    expect((await admin.listStock({})).stock.length).toBeGreaterThanOrEqual(5);
  });

  it("refuses a negative page size and a page token it did not make, with a sentence", async () => {
    const admin = await clientAs("admin");
    await expect(admin.listStock({ pageSize: -1 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "The page size cannot be negative.",
    });
    await expect(admin.listStock({ pageToken: "bm90IG1pbmU" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "The page token is not valid. Please start again from the first page.",
    });
  });

  it("lets only administrators list the stock", async () => {
    await expect((await clientAs("customer")).listStock({})).rejects.toMatchObject({
      code: Code.PermissionDenied,
    });
    await expect((await clientAs()).listStock({})).rejects.toMatchObject({ code: Code.Unauthenticated });
  });

  it("records every SetStock for the audit log, with the stock before and after, and a refused one not at all", async () => {
    const admin = await clientAs("admin");
    const { stock: first } = await admin.setStock({ productId: "audit-mug", available: 4 });
    await admin.setStock({ productId: "audit-mug", available: 9, expectedVersion: first?.version });
    // Stale: the version read is no longer the current one, so nothing changes and nothing is recorded.
    await expect(
      admin.setStock({ productId: "audit-mug", available: 1, expectedVersion: first?.version }),
    ).rejects.toMatchObject({ code: Code.Aborted });
    const entries = await auditOf("audit-mug");
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ["inventory.SetStock", "admin-1"],
      ["inventory.SetStock", "admin-1"],
    ]);
    expect(entries[0]?.before).toBe("");
    expect(JSON.parse(entries[0]?.after ?? "")).toMatchObject({ available: 4, version: "1" });
    expect(JSON.parse(entries[1]?.before ?? "")).toMatchObject({ available: 4, version: "1" });
    expect(JSON.parse(entries[1]?.after ?? "")).toMatchObject({ available: 9, reserved: 0, version: "2" });
  });
});
