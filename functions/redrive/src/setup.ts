/**
 * What redrive's handler and periodic work share, built once at start from its config.
 */
import type { SetupContext } from "@shop/runtime";
import type { RedriveConfig, RedriveSchedule } from "./config.ts";
import { createDeliver, createReport, type Deliver, type RedriveReport } from "./redrive/index.ts";

/** redrive's dependencies. */
export interface RedriveDeps {
  /** The clock dead letters are scheduled and found due by (tests replace it). */
  now: () => Date;
  /** When transient dead letters are redriven, and until when. */
  schedule: RedriveSchedule;
  /** How many due letters one round takes. */
  batch: number;
  /** How long a letter being redriven is kept from other replicas, in ms. */
  leaseMs: number;
  /** How long letters done with are kept, in ms. */
  retentionMs: number;
  /** POSTs a letter's event to its subscriber. */
  deliver: Deliver;
  /** Log lines and counters of what became of dead letters. */
  report: RedriveReport;
}

/** Builds redrive's dependencies. */
export function setup({ config, app, metrics }: SetupContext<RedriveConfig>): RedriveDeps {
  return {
    now: () => new Date(),
    schedule: { delaysMs: config.delaysMs, horizonMs: config.horizonMs },
    batch: config.batch,
    // Past any delivery's timeout, with room for recording its outcome.
    leaseMs: config.timeoutMs + 30_000,
    retentionMs: config.retentionMs,
    deliver: createDeliver(config.timeoutMs, app.deliveryTokens),
    report: createReport(metrics, app.logger),
  };
}
