/**
 * The runner's metrics, as Knative's Kafka broker dispatcher would report them: how far each
 * Trigger's consumer group is behind the topic (`shop_consumer_lag{trigger}`, asked of the log at
 * scrape time), and how many times a delivery was tried again (`shop_redeliveries_total{trigger}`).
 * KafkaSources are labelled by their name the same way (`trigger="redrive-dead-letters"`).
 */
import type { Subscription } from "@shop/runtime";
import { Counter, Gauge, Registry } from "prom-client";

/** The runner's registry and what it records into it. */
export interface RunnerMetrics {
  /** Served at the shop's `/metrics` (see host/start-shop.ts), with `function="runner"`. */
  registry: Registry;
  /** One more attempt to deliver an event of `trigger`. */
  redelivered(trigger: string): void;
  /** Reports the lag of `subscription` as `trigger`'s at each scrape. */
  watch(trigger: string, subscription: Subscription): void;
}

/** Creates the runner's metrics in a registry of their own. */
export function createRunnerMetrics(): RunnerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ function: "runner" });
  const watched: { trigger: string; subscription: Subscription }[] = [];
  const redeliveries = new Counter({
    name: "shop_redeliveries_total",
    help: "Deliveries the runner tried again after a failed attempt (a retryable status or no answer), by Trigger",
    labelNames: ["trigger"],
    registers: [registry],
  });
  new Gauge({
    name: "shop_consumer_lag",
    help: "Records of the topic the Trigger's consumer group has not committed yet, over all partitions",
    labelNames: ["trigger"],
    registers: [registry],
    async collect() {
      const lags = await Promise.all(
        // A log that cannot say now (Kafka down) leaves the last figure: the scrape still answers.
        watched.map(async ({ trigger, subscription }) => ({
          trigger,
          lag: await subscription.lag?.().catch(() => undefined),
        })),
      );
      // A KafkaSource of several topics has a subscription per topic: its lag is their sum.
      const totals = new Map<string, number>();
      for (const { trigger, lag } of lags) {
        if (lag !== undefined) totals.set(trigger, (totals.get(trigger) ?? 0) + lag);
      }
      for (const [trigger, lag] of totals) this.set({ trigger }, lag);
    },
  });
  return {
    registry,
    redelivered: (trigger) => redeliveries.inc({ trigger }),
    watch(trigger, subscription) {
      watched.push({ trigger, subscription });
      // Present from the start, so a rate() has a first sample before the first retry.
      redeliveries.inc({ trigger }, 0);
    },
  };
}
