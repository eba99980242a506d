/**
 * The kn func entry point: `handle(context, cloudevent)` runs cart's event handling.
 */
import { createHandle } from "@shop/runtime";
import { cartFunction } from "./function.ts";

/** Handles one CloudEvent the way `func invoke` delivers it. */
export const handle = createHandle(cartFunction);
