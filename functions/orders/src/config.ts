/**
 * The configuration of orders, parsed once from the environment when the function starts (the
 * definition's `config`); nothing else in orders reads the environment.
 */

/** How WatchOrder streams run, and how long the saga may take. */
export interface OrdersConfig {
  /** How often a watch re-reads its order when nothing in this process notified it, in ms. */
  watchPollMs: number;
  /**
   * The longest a watch stays open, in ms. Below Knative's default request timeout (300 s), so a
   * stream ends cleanly instead of being cut; the client then watches again.
   */
  watchMaxMs: number;
  /**
   * The saga's deadline, in ms: an order not final this long after it was placed is asked for again
   * (OrderPlaced re-emitted), and again every such period until its final deadline.
   */
  sagaDeadlineMs: number;
  /** The saga's final deadline, in ms after placing: an order not final by then is cancelled. */
  sagaGiveUpMs: number;
  /** How many overdue orders the reconciler handles in one transaction (one statement of each kind). */
  reconcileBatch: number;
  /**
   * The most orders one reconciler run asks again (oldest deadline first; the rest wait for the next
   * run): a re-ask sets the whole chain working again, so a backlog is let out at a bounded pace.
   * Cancels are not bounded: every order past its final deadline is cancelled in the run.
   */
  reaskPerRun: number;
}

/**
 * Reads the config of orders from `env` (`ORDERS_WATCH_POLL_MS`, `ORDERS_WATCH_MAX_MS`,
 * `ORDERS_SAGA_DEADLINE_MS`, `ORDERS_SAGA_GIVE_UP_MS`, `ORDERS_RECONCILE_BATCH`,
 * `ORDERS_REASK_PER_RUN`). Throws when the
 * final deadline does not come after the first one.
 */
export function readOrdersConfig(env: NodeJS.ProcessEnv): OrdersConfig {
  const config = {
    watchPollMs: positive(env.ORDERS_WATCH_POLL_MS, 1_000),
    watchMaxMs: positive(env.ORDERS_WATCH_MAX_MS, 280_000),
    sagaDeadlineMs: positive(env.ORDERS_SAGA_DEADLINE_MS, 120_000),
    sagaGiveUpMs: positive(env.ORDERS_SAGA_GIVE_UP_MS, 600_000),
    reconcileBatch: positive(env.ORDERS_RECONCILE_BATCH, 100),
    reaskPerRun: positive(env.ORDERS_REASK_PER_RUN, 100),
  };
  if (config.sagaGiveUpMs <= config.sagaDeadlineMs) {
    throw new Error(
      `ORDERS_SAGA_GIVE_UP_MS (${config.sagaGiveUpMs}) must be longer than ORDERS_SAGA_DEADLINE_MS ` +
        `(${config.sagaDeadlineMs}): an order is asked for again before it is given up.`,
    );
  }
  return config;
}

function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw && Number.isFinite(value) && value > 0 ? value : fallback;
}
