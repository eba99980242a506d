/**
 * The kn func entry point of redrive.
 */
import { createHandle } from "@shop/runtime";
import { redriveFunction } from "./function.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(redriveFunction);
