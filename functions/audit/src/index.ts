/**
 * The kn func entry point of audit.
 */
import { createHandle } from "@shop/runtime";
import { auditFunction } from "./function.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(auditFunction);
