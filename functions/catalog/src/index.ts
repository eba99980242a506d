/**
 * The kn func entry point of catalog.
 */
import { createHandle } from "@shop/runtime";
import { catalogFunction } from "./function.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(catalogFunction);
