/**
 * The dependencies of shipping, built once per running function from its config: what its routes,
 * its event handlers and its ticks share.
 */
import type { SetupContext } from "@shop/runtime";
import type { ShippingConfig } from "./config.ts";
import { type OptionDefinition, SHIPPING_OPTIONS, type ShippingClock } from "./shipping/index.ts";

/** What shipping's routes, handlers and ticks receive as `deps`. */
export interface ShippingDeps extends ShippingClock {
  /** The options shipping offers (published as ShippingOptionChanged on start and on every tick). */
  options: readonly OptionDefinition[];
  /** How many due shipments one run of the dev carrier moves on, at most. */
  carrierBatch: number;
}

/** Builds the dependencies of shipping. */
export function setup({ config }: SetupContext<ShippingConfig>): ShippingDeps {
  return {
    now: () => new Date(),
    devCarrier: config.devCarrier,
    options: SHIPPING_OPTIONS,
    carrierBatch: config.carrierBatch,
  };
}
