/**
 * The sender: rounds of {@link deliverDue}, one at a time, woken after a commit that added deliveries
 * and on every tick, until a round comes back short. A wake-up during a round runs one more after it,
 * so nothing committed waits for the next tick.
 */
import type { App } from "@shop/runtime";
import { deliverDue, type SenderRound } from "./deliver-due.ts";
import type { WebhooksReport } from "./report.ts";

/** What the sender needs each round. */
export interface SenderDeps extends SenderRound {
  batch: number;
  report: WebhooksReport;
}

/** Runs the sender; `start` once the function's app is there, `wake` whenever there may be work. */
export interface Sender {
  start(deps: SenderDeps, app: App): void;
  /** Runs rounds now (or right after the one under way); resolves when they are done. */
  wake(): Promise<void>;
  stop(): Promise<void>;
}

/** A sender, idle until started. */
export function createSender(): Sender {
  let attached: { deps: SenderDeps; app: App } | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function rounds(deps: SenderDeps, app: App): Promise<void> {
    do {
      again = false;
      for (;;) {
        const { claimed, outcomes } = await deliverDue(app, { limit: deps.batch }, deps);
        for (const outcome of outcomes) deps.report.attempted(outcome);
        if (claimed < deps.batch || stopped) break;
      }
    } while (again && !stopped);
  }

  return {
    start(deps, app) {
      attached = { deps, app };
    },
    wake() {
      if (!attached || stopped) return Promise.resolve();
      if (running) {
        again = true;
        return running;
      }
      const { deps, app } = attached;
      running = rounds(deps, app)
        .catch((error: unknown) =>
          app.logger.error({ err: error }, "webhook sender round failed; the next tick tries again"),
        )
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
