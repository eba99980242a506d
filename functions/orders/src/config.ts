/**
 * The configuration of orders, parsed once from the environment when the function starts (the
 * definition's `config`); nothing else in orders reads the environment.
 */

/** How WatchOrder streams run. */
export interface OrdersConfig {
  /** How often a watch re-reads its order when nothing in this process notified it, in ms. */
  watchPollMs: number;
  /**
   * The longest a watch stays open, in ms. Below Knative's default request timeout (300 s), so a
   * stream ends cleanly instead of being cut; the client then watches again.
   */
  watchMaxMs: number;
}

/** Reads the config of orders from `env` (`ORDERS_WATCH_POLL_MS`, `ORDERS_WATCH_MAX_MS`). */
export function readOrdersConfig(env: NodeJS.ProcessEnv): OrdersConfig {
  return {
    watchPollMs: positive(env.ORDERS_WATCH_POLL_MS, 1_000),
    watchMaxMs: positive(env.ORDERS_WATCH_MAX_MS, 280_000),
  };
}

function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw && Number.isFinite(value) && value > 0 ? value : fallback;
}
