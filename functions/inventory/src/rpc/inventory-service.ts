/**
 * The InventoryService: validates a request, calls a verb in a transaction, maps its result and
 * errors to the contract.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import type { App } from "@shop/runtime";
import {
  GetStockResponseSchema,
  type InventoryService,
  SetStockResponseSchema,
  StockLevelSchema,
} from "@shop/schemas/inventory/v1/inventory";
import { getStock, InvalidStockError, type StockLevel, setStock } from "../inventory/index.ts";

/** The InventoryService of `app` (admin only, see connect.ts). */
export function inventoryService(app: App): ServiceImpl<typeof InventoryService> {
  return {
    async setStock(request) {
      const level = await mapErrors(() => app.transaction((tx) => setStock(request, tx)));
      return create(SetStockResponseSchema, { stock: toStockLevel(level) });
    },
    async getStock(request) {
      const level = await mapErrors(() => getStock(request, { db: app.db }));
      return create(GetStockResponseSchema, { stock: toStockLevel(level) });
    },
  };
}

function toStockLevel(level: StockLevel) {
  return create(StockLevelSchema, level);
}

async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof InvalidStockError) throw new ConnectError(error.message, Code.InvalidArgument);
    throw error;
  }
}
