/**
 * The kn func entry point of analytics.
 */
import { createHandle } from "@shop/runtime";
import { analyticsFunction } from "./function.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(analyticsFunction);
