/**
 * A function's periodic work: `onTick` on a timer and on every PingSource tick, one run at a time,
 * with a failure logged and the next tick trying again.
 */
import type { Logger } from "./logger.ts";

/** A running ticker. */
export interface Ticker {
  /** Runs the work now (or joins the run in hand). */
  tick(): Promise<void>;
  /** Stops the timer and waits for the run in hand. */
  close(): Promise<void>;
}

/** Starts running `work` every `intervalMs` (0: only when `tick()` is called). */
export function startTicker(work: () => Promise<void>, intervalMs: number, logger: Logger): Ticker {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= work()
      .catch((error: unknown) =>
        logger.error({ err: error }, "periodic work failed; the next tick tries again"),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : undefined;
  timer?.unref();
  return {
    tick,
    async close() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
