/**
 * The kn func entry point: `handle(context, cloudevent)` runs shipping's event handling.
 */
import { createHandle } from "@shop/runtime";
import { shippingFunction } from "./function.ts";

/** Handles one CloudEvent the way `func invoke` delivers it. */
export const handle = createHandle(shippingFunction);
