/**
 * The configuration of shipping, parsed once from the environment when the function starts (the
 * definition's `config`); nothing else in shipping reads the environment.
 */
import { isDevelopment } from "@shop/runtime";

/** The dev carrier: whether it runs, and how long it takes to dispatch and to deliver. */
export interface DevCarrierConfig {
  /** On in development, off in production (`SHIPPING_DEV_CARRIER=1|0` overrides). */
  enabled: boolean;
  /** How long after its creation a PREPARING shipment is dispatched, in ms. */
  dispatchAfterMs: number;
  /** How long after its dispatch a shipment is delivered, in ms. */
  deliverAfterMs: number;
}

/** What shipping can be tuned with. */
export interface ShippingConfig {
  devCarrier: DevCarrierConfig;
  /** How many due shipments one run of the dev carrier moves on, at most. */
  carrierBatch: number;
}

/**
 * Reads the config of shipping from `env`: `SHIPPING_DEV_CARRIER` (default: on in development, see
 * the runtime's `isDevelopment`), `SHIPPING_DEV_DISPATCH_AFTER_MS` (default 5 s),
 * `SHIPPING_DEV_DELIVER_AFTER_MS` (default 15 s), `SHIPPING_CARRIER_BATCH` (default 100).
 */
export function readShippingConfig(env: NodeJS.ProcessEnv): ShippingConfig {
  const flag = env.SHIPPING_DEV_CARRIER;
  return {
    devCarrier: {
      enabled: flag === undefined || flag === "" ? isDevelopment(env) : flag === "1" || flag === "true",
      dispatchAfterMs: nonNegative(env.SHIPPING_DEV_DISPATCH_AFTER_MS, 5_000),
      deliverAfterMs: nonNegative(env.SHIPPING_DEV_DELIVER_AFTER_MS, 15_000),
    },
    carrierBatch: nonNegative(env.SHIPPING_CARRIER_BATCH, 100) || 100,
  };
}

function nonNegative(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw && Number.isFinite(value) && value >= 0 ? value : fallback;
}
