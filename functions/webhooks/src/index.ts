/**
 * The kn func entry point of webhooks.
 */
import { createHandle } from "@shop/runtime";
import { webhooksFunction } from "./function.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(webhooksFunction);
