/**
 * The PingSource tick (and the runtime's timer): the sweeper of emails left pending.
 */
import type { App } from "@shop/runtime";
import type { NotificationsDeps } from "../setup.ts";

/** Sends every pending email that is due: retries, and what a crash or an outage left behind. */
export async function onTick(deps: NotificationsDeps, _app: App): Promise<void> {
  await deps.mailer.drain();
}
