/**
 * The kn func entry point of identity.
 */
import { createHandle } from "@shop/runtime";
import { identityFunction } from "./server.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(identityFunction);
