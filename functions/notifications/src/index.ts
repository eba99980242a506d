/**
 * The kn func entry point of notifications.
 */
import { createHandle } from "@shop/runtime";
import { notificationsFunction } from "./function.ts";

/** `handle(context, cloudevent)`, as `func invoke` calls it. */
export const handle = createHandle(notificationsFunction);
