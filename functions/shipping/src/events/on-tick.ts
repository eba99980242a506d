/**
 * Shipping's start and periodic work (PingSource tick and its own timer): the options are published,
 * and the dev carrier moves due shipments on.
 */
import type { App } from "@shop/runtime";
import type { ShippingDeps } from "../setup.ts";
import { publishOptions, runDevCarrier } from "../shipping/index.ts";

/**
 * Publishes every option version not yet published before the server serves, so that orders learns
 * the options as soon as the shop runs (the relay sends them right after start).
 */
export async function onStart(deps: ShippingDeps, app: App): Promise<void> {
  await publish(deps, app);
}

/** One periodic run: publish any option version left (a start that failed to), then the dev carrier. */
export async function onTick(deps: ShippingDeps, app: App): Promise<void> {
  await publish(deps, app);
  const run = await runDevCarrier(app, deps, deps.carrierBatch);
  if (run.dispatched.length + run.delivered.length > 0) {
    app.logger.info(
      { dispatched: run.dispatched.slice(0, 20), delivered: run.delivered.slice(0, 20) },
      "dev carrier moved shipments on",
    );
  }
}

async function publish(deps: ShippingDeps, app: App): Promise<void> {
  const published = await app.transaction((tx) => publishOptions(tx, { options: deps.options }));
  if (published.length > 0) app.logger.info({ options: published }, "published shipping options");
}
