/**
 * The InventoryService: converts a request, calls a verb (in a transaction when it writes) and
 * converts its result to the contract.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type App, caller } from "@shop/runtime";
import {
  GetStockResponseSchema,
  type InventoryService,
  ListStockResponseSchema,
  SetStockResponseSchema,
  StockLevelSchema,
} from "@shop/schemas/inventory/v1/inventory";
import { getStock, listStock, type StockLevel, setStock } from "../inventory/index.ts";

/** The InventoryService of `app` (admin only, see connect.ts). */
export function inventoryService(app: App): ServiceImpl<typeof InventoryService> {
  return {
    async setStock(request, context) {
      const actor = caller(context);
      const level = await app.transaction((tx) => setStock(tx, request, actor));
      return create(SetStockResponseSchema, { stock: toStockLevel(level) });
    },
    async getStock(request) {
      const level = await getStock(app.db, request);
      return create(GetStockResponseSchema, { stock: toStockLevel(level) });
    },
    async listStock(request) {
      const page = await listStock(app.db, request);
      return create(ListStockResponseSchema, {
        stock: page.stock.map(toStockLevel),
        nextPageToken: page.nextPageToken,
      });
    },
  };
}

function toStockLevel(level: StockLevel) {
  return create(StockLevelSchema, level);
}
