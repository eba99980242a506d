/**
 * The inventory's Connect routes and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { InventoryService } from "@shop/schemas/inventory/v1/inventory";
import { inventoryService } from "./rpc/inventory-service.ts";

/** Stock is managed by administrators only; customers see availability through the catalog. */
export const policy: AccessPolicy = { SetStock: "admin", GetStock: "admin", ListStock: "admin" };

/** Registers the InventoryService (the inventory has no deps of its own). */
export default function routes(router: ConnectRouter, _deps: undefined, app: App): void {
  router.service(InventoryService, inventoryService(app));
}
