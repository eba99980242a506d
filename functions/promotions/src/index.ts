/**
 * The kn func entry point: `handle(context, cloudevent)` runs promotions' event handling.
 */
import { createHandle } from "@shop/runtime";
import { promotionsFunction } from "./function.ts";

/** Handles one CloudEvent the way `func invoke` delivers it. */
export const handle = createHandle(promotionsFunction);
