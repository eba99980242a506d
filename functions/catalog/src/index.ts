/**
 * The kn func entry point of catalog.
 */
import { createHandle } from "@shop/runtime";
import { catalogFunction } from "./server.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(catalogFunction);
