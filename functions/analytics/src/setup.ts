/**
 * What analytics' handlers and RPCs share, built once at start from its config.
 */
import type { SetupContext } from "@shop/runtime";
import { createTopicReader, type ReadTopic } from "./analytics/index.ts";
import type { AnalyticsConfig } from "./config.ts";

/** analytics' dependencies. */
export interface AnalyticsDeps {
  /** Reads shop.events from its start, for a replay; undefined without Kafka (embedded mode). */
  readTopic: ReadTopic | undefined;
  /** Whether a replay runs in this process now (one at a time). */
  replaying: { now: boolean };
}

/** Builds analytics' dependencies. */
export function setup({ config, app }: SetupContext<AnalyticsConfig>): AnalyticsDeps {
  const { kafkaBrokers, eventsTopic } = app.config;
  return {
    readTopic:
      kafkaBrokers.length > 0
        ? createTopicReader({
            brokers: kafkaBrokers,
            topic: eventsTopic,
            clientId: app.name,
            timeoutMs: config.replayTimeoutMs,
          })
        : undefined,
    replaying: { now: false },
  };
}
