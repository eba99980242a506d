/**
 * The kn func entry point of the inventory: `handle(context, cloudevent)`.
 */
import { createHandle } from "@shop/runtime";
import { inventoryFunction } from "./function.ts";

/** Handles one CloudEvent the way `func invoke` delivers it. */
export const handle = createHandle(inventoryFunction);
