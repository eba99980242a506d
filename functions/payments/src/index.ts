/**
 * The kn func entry point of payments: `handle(context, cloudevent)`.
 */
import { createHandle } from "@shop/runtime";
import { paymentsFunction } from "./function.ts";

/** Handles one CloudEvent the way `func invoke` delivers it. */
export const handle = createHandle(paymentsFunction);
