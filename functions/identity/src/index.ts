/**
 * The kn func entry point of identity.
 */
import { createHandle } from "@shop/runtime";
import { identityFunction } from "./function.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(identityFunction);
