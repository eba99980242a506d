/**
 * `shop_kafka_requests_total{api}` of the shop process's own Kafka client: the runner's consumers
 * (every Trigger's group) and, when all functions run in this process, their producers too. Served
 * with every function's metrics at `/ops/metrics` (as `function="shop"`); `pnpm bench` reads it.
 */
import { Counter, Registry } from "prom-client";

/** The host's Kafka metrics: a registry of their own, and what the log calls for each request. */
export function createHostKafkaMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ function: "shop" });
  const requests = new Counter({
    name: "shop_kafka_requests_total",
    help: "Requests sent to Kafka by this process's client, by Kafka API (Produce, Fetch, OffsetCommit, Metadata, …)",
    labelNames: ["api"],
    registers: [registry],
  });
  return { registry, onRequest: (api: string) => requests.inc({ api }) };
}
