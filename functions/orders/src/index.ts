/**
 * The kn func entry point of orders: `handle(context, cloudevent)`.
 */
import { createHandle } from "@shop/runtime";
import { ordersFunction } from "./function.ts";

/** Handles one CloudEvent the way `func invoke` delivers it. */
export const handle = createHandle(ordersFunction);
